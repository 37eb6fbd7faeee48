// One FISTA step of one regression problem, fused with the gradient: for every coordinate j
//   g_j = X_jᵀ r (r = y − Xz from fista-residual), w⁺ = S_thr(z_j + step·g_j)·shrink,
//   z_j = w⁺ + mom·(w⁺ − w_j), w_j = w⁺   (S = soft threshold; step = 1/(nL), thr = αρ/L, shrink = 1/(1 + α(1−ρ)/L)).
// Preludes: shaders/common/regression-params.wgsl and one layout, shaders/common/dot-workgroup.wgsl (binds
//   M = Xᵀ, d×n: a workgroup per coordinate) or shaders/common/dot-thread.wgsl (binds M = X, n×d: a thread
//   per coordinate); either way u = r. Each coordinate is owned by one writer.
// Bindings: 0 M, 1 r (n), 2 z (d, read_write), 3 w (d, read_write), 4 state [t, mom, 0, 0] (read), 5 params.

@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = out_index(wg, nwg, li);
  if (j >= P.d) { return; }
  let g = out_dot(j, P.d, P.n, li);
  if (is_writer(li)) {
    let wn = enet_prox(z[j] + P.step * g, P.thr, P.shrink);
    z[j] = wn + state[1] * (wn - w[j]);
    w[j] = wn;
  }
}
