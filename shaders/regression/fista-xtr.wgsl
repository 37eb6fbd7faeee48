// Gradient of one regression problem: g = Xᵀ r, for the duality-gap check and the power iteration.
// Preludes: shaders/common/regression-params.wgsl and one layout, shaders/common/dot-workgroup.wgsl (binds
//   M = Xᵀ: a workgroup per coordinate) or shaders/common/dot-thread.wgsl (binds M = X: a thread per
//   coordinate); either way u = r.
// Bindings: 0 M, 1 r (n), 2 g (d, write), 3 params.

@group(0) @binding(2) var<storage, read_write> g: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = out_index(wg, nwg, li);
  if (j >= P.d) { return; }
  let s = out_dot(j, P.d, P.n, li);
  if (is_writer(li)) { g[j] = s; }
}
