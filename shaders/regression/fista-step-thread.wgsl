// One FISTA step of one regression problem, one thread per coordinate (the variant for small n·d):
// g_j = X_jᵀ r reading X row-major (neighbouring threads, neighbouring columns), w⁺ = S_thr(z_j + step·g_j)·shrink,
// z_j = w⁺ + mom·(w⁺ − w_j), w_j = w⁺.
// Preludes: shaders/common/regression-params.wgsl, shaders/common/dot-thread.wgsl (binds M = X, u = r).
// Bindings: 0 X (n×d row-major, read), 1 r (n), 2 z (d, read_write), 3 w (d, read_write), 4 state [t, mom, 0, 0],
//           5 params.
// Layout: workgroups of WG threads over the coordinates (2-D grid of workgroups when d > WG·65535).

@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = thread_output(wg, nwg, li);
  if (j >= P.d) { return; }
  let wn = enet_prox(z[j] + P.step * dot_strided(j, P.d, P.n), P.thr, P.shrink);
  z[j] = wn + state[1] * (wn - w[j]);
  w[j] = wn;
}
