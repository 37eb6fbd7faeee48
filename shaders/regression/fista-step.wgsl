// One FISTA step of one large problem, fused with the gradient: for every coordinate j
//   g_j = X_jᵀ r (r = y − Xz from fista-residual), w⁺ = S_thr(z_j + step·g_j)·shrink,
//   z_j = w⁺ + mom·(w⁺ − w_j), w_j = w⁺   (S = soft threshold; step = 1/(nL), thr = αρ/L, shrink = 1/(1 + α(1−ρ)/L)).
// Bindings: 0 XT (d×n row-major = X's columns, read), 1 r (n), 2 z (d, read_write), 3 w (d, read_write),
//           4 state [t, mom, 0, 0] (read), 5 params {n, d, advance, accelerate, step, thr, shrink, _}.
// Layout: one workgroup of 256 threads per coordinate (2-D grid when d > 65535): strided dot product over the
//         column, tree reduction, thread 0 updates z_j and w_j (each coordinate is owned by one workgroup).

struct Params { n: u32, d: u32, advance: u32, accelerate: u32, step: f32, thr: f32, shrink: f32, _pad: f32 }

@group(0) @binding(0) var<storage, read> XT: array<f32>;
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = wg.x + wg.y * nwg.x;
  if (j >= P.d) { return; }
  let base = j * P.n;
  var acc = 0.0;
  for (var i = li; i < P.n; i += 256u) { acc = fma(XT[base + i], r[i], acc); }
  part[li] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (li < s) { part[li] += part[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) {
    let u = z[j] + P.step * part[0];
    let wn = sign(u) * max(abs(u) - P.thr, 0.0) * P.shrink;
    z[j] = wn + state[1] * (wn - w[j]);
    w[j] = wn;
  }
}
