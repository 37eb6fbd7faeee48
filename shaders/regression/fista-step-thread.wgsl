// One FISTA step of one regression problem, one thread per coordinate (the variant for small n·d):
// g_j = X_jᵀ r reading X row-major (neighbouring threads, neighbouring columns), w⁺ = S_thr(z_j + step·g_j)·shrink,
// z_j = w⁺ + mom·(w⁺ − w_j), w_j = w⁺.
// Bindings: 0 X (n×d row-major, read), 1 r (n), 2 z (d, read_write), 3 w (d, read_write), 4 state [t, mom, 0, 0],
//           5 params {n, d, advance, accelerate, step, thr, shrink, _}.
// Layout: workgroups of 64 threads over the coordinates (2-D grid of workgroups when d > 64·65535).

struct Params { n: u32, d: u32, advance: u32, accelerate: u32, step: f32, thr: f32, shrink: f32, _pad: f32 }

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = (wg.x + wg.y * nwg.x) * 64u + li;
  if (j >= P.d) { return; }
  var acc = 0.0;
  for (var i = 0u; i < P.n; i++) { acc = fma(X[i * P.d + j], r[i], acc); }
  let u = z[j] + P.step * acc;
  let wn = sign(u) * max(abs(u) - P.thr, 0.0) * P.shrink;
  z[j] = wn + state[1] * (wn - w[j]);
  w[j] = wn;
}
