// SAE per-step statistics, one workgroup of 256 threads. Bindings: 0 rowSq (2B), 1 lat (4M: since,
// firings, per-latent sparsity, L1 coefficient), 2 fired (u32, M), 3 sc (scalars + metric sums), 4 minKept
// (u32 bits of the smallest kept positive code), 5 dims.
// PRE_AUX: sc[0] = Σ_b ‖e_b‖², sc[1] = #latents with since ≥ deadAfter (the AuxK normaliser and switch).
// Otherwise (end of step): the step's losses rec = Σ‖e‖²/(B·v), sparsity = Σ lat.sparsity, aux = α·Σ‖e − ê‖²/Σ‖e‖²,
// L0 = Σ fired / B are added to sc[8..12] (sc[13] counts steps); since ← 0 where fired else since + B;
// firings += fired; BatchTopK: θ ← 0.99θ + 0.01·minKept (θ = sc[2], taken as is the first time).

override PRE_AUX: bool = false;

struct Dims { B: u32, M: u32, invBv: f32, auxCoeff: f32, deadAfter: f32, hasAux: u32, hasSparsity: u32, batchTheta: u32 }

@group(0) @binding(0) var<storage, read> rowSq: array<f32>;
@group(0) @binding(1) var<storage, read_write> lat: array<f32>;
@group(0) @binding(2) var<storage, read> fired: array<u32>;
@group(0) @binding(3) var<storage, read_write> sc: array<f32>;
@group(0) @binding(4) var<storage, read> minKept: array<u32>;
@group(0) @binding(5) var<uniform> D: Dims;

var<workgroup> red: array<f32, 1024>;

// Sums four per-thread values over the workgroup; every thread must call it.
fn reduce4(li: u32, v: vec4<f32>) -> vec4<f32> {
  red[li] = v.x;
  red[256u + li] = v.y;
  red[512u + li] = v.z;
  red[768u + li] = v.w;
  workgroupBarrier();
  for (var off = 128u; off > 0u; off = off / 2u) {
    if (li < off) {
      red[li] += red[li + off];
      red[256u + li] += red[256u + li + off];
      red[512u + li] += red[512u + li + off];
      red[768u + li] += red[768u + li + off];
    }
    workgroupBarrier();
  }
  let out = vec4<f32>(red[0], red[256], red[512], red[768]);
  workgroupBarrier();
  return out;
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  let B = D.B;
  let M = D.M;
  var errSq = 0.0;
  var auxSq = 0.0;
  for (var b = li; b < B; b += 256u) {
    errSq += rowSq[b];
    if (D.hasAux == 1u) { auxSq += rowSq[B + b]; }
  }
  if (PRE_AUX) {
    var dead = 0.0;
    for (var i = li; i < M; i += 256u) {
      if (lat[i] >= D.deadAfter) { dead += 1.0; }
    }
    let r = reduce4(li, vec4<f32>(errSq, dead, 0.0, 0.0));
    if (li == 0u) {
      sc[0] = r.x;
      sc[1] = r.y;
    }
    return;
  }
  var spars = 0.0;
  var l0 = 0.0;
  for (var i = li; i < M; i += 256u) {
    let f = fired[i];
    l0 += f32(f);
    if (D.hasSparsity == 1u) { spars += lat[2u * M + i]; }
    if (f > 0u) { lat[i] = 0.0; } else { lat[i] = lat[i] + f32(B); }
    lat[M + i] = lat[M + i] + f32(f);
  }
  let r = reduce4(li, vec4<f32>(errSq, auxSq, spars, l0));
  if (li == 0u) {
    let rec = r.x * D.invBv;
    var aux = 0.0;
    if (D.hasAux == 1u && sc[1] > 0.0 && sc[0] > 0.0) { aux = D.auxCoeff * r.y / sc[0]; }
    sc[8] += rec;
    sc[9] += r.z;
    sc[10] += aux;
    sc[11] += rec + r.z + aux;
    sc[12] += r.w / f32(B);
    sc[13] += 1.0;
    if (D.batchTheta == 1u && minKept[0] != 0xffffffffu) {
      let m = bitcast<f32>(minKept[0]);
      if (sc[2] < 0.0) { sc[2] = m; } else { sc[2] = 0.99 * sc[2] + 0.01 * m; }
    }
  }
}
