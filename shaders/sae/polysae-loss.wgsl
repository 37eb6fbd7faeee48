// Losses of the step in one workgroup: rec = Σe²/(B·v); AuxK (when on and some latent is dead):
// aux = α‖e − ê‖²/‖e‖² with ê = xraw of rows [B, 2B), and its gradient scale s = 2α/‖e‖² (to lossOut[0]);
// L0 = (codes > 0)/B. Adds rec, 0, aux, total, L0 and 1 to the running sums sc[8..13].
@group(0) @binding(0) var<storage, read> e: array<f32>;
@group(0) @binding(1) var<storage, read> xraw: array<f32>;
@group(0) @binding(2) var<storage, read> z: array<f32>;
@group(0) @binding(3) var<storage, read> lat: array<f32>;
@group(0) @binding(4) var<storage, read_write> lossOut: array<f32>;
@group(0) @binding(5) var<storage, read_write> sc: array<f32>;
@group(0) @binding(6) var<uniform> D: Dims;

var<workgroup> r0: array<f32, 64>;
var<workgroup> r1: array<f32, 64>;
var<workgroup> r2: array<f32, 64>;
var<workgroup> r3: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) li: u32) {
  var sq = 0.0;
  var diff = 0.0;
  for (var t = li; t < D.B * D.d; t += 64u) {
    sq += e[t] * e[t];
    if (D.aux == 1u) {
      let u = e[t] - xraw[D.B * D.d + t];
      diff += u * u;
    }
  }
  var l0 = 0.0;
  for (var t = li; t < D.B * D.M; t += 64u) { l0 += select(0.0, 1.0, z[t] > 0.0); }
  var dead = 0.0;
  for (var i = li; i < D.M; i += 64u) { dead += select(0.0, 1.0, lat[i] >= D.deadAfter); }
  r0[li] = sq;
  r1[li] = diff;
  r2[li] = l0;
  r3[li] = dead;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (li < s) {
      r0[li] += r0[li + s];
      r1[li] += r1[li + s];
      r2[li] += r2[li + s];
      r3[li] += r3[li + s];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    let rec = r0[0] / (f32(D.B) * D.variance);
    let on = D.aux == 1u && r3[0] > 0.0 && r0[0] > 0.0;
    let aux = select(0.0, D.auxCoeff * r1[0] / r0[0], on);
    lossOut[0] = select(0.0, 2.0 * D.auxCoeff / r0[0], on);
    sc[8] += rec;
    sc[10] += aux;
    sc[11] += rec + aux;
    sc[12] += r2[0] / f32(D.B);
    sc[13] += 1.0;
  }
}
