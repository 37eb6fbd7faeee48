// Residual of one large regression problem: r = y − X·v, and (optionally) the FISTA momentum step.
// Preludes: shaders/common/regression-params.wgsl, shaders/common/dot-workgroup.wgsl (binds M = X, u = v).
// Bindings: 0 X (n×d row-major, read), 1 v (d), 2 y (n), 3 r (n, write), 4 state [t, mom, 0, 0] (read_write),
//           5 params.
// Maths: r_i = y_i − Σ_j X_ij v_j. With advance = 1, workgroup 0 also moves FISTA's t and momentum (read by
//        fista-step).
// Layout: one workgroup of WG threads per row (a 2-D grid of rows when n > 65535).

@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> r: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row = wg_output(wg, nwg);
  if (row == 0u && li == 0u && P.advance == 1u) {
    let tm = fista_momentum(state[0], P.accelerate == 1u);
    state[1] = tm.y;
    state[0] = tm.x;
  }
  if (row >= P.n) { return; }
  let s = dot_wg(row * P.d, P.d, li);
  if (li == 0u) { r[row] = y[row] - s; }
}
