// Residual of one regression problem: r = y − X·v, and (optionally) the FISTA momentum step.
// Preludes: shaders/common/regression-params.wgsl and one layout, shaders/common/dot-workgroup.wgsl (binds
//   M = X, n×d row-major: a workgroup per row) or shaders/common/dot-thread.wgsl (binds M = Xᵀ, d×n: a thread
//   per row); either way u = v.
// Bindings: 0 M, 1 v (d), 2 y (n), 3 r (n, write), 4 state [t, mom, 0, 0] (read_write), 5 params.
// Maths: r_i = y_i − Σ_j X_ij v_j. With advance = 1, the first thread also moves FISTA's t and momentum
//        (read by fista-step).

@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> r: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = out_index(wg, nwg, li);
  if (i == 0u && is_writer(li) && P.advance == 1u) {
    let tm = fista_momentum(state[0], P.accelerate == 1u);
    state[1] = tm.y;
    state[0] = tm.x;
  }
  if (i >= P.n) { return; }
  let s = out_dot(i, P.n, P.d, li);
  if (is_writer(li)) { r[i] = y[i] - s; }
}
