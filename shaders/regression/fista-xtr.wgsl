// Gradient of one large problem: g = Xᵀ r, for the duality-gap check and the power iteration.
// Preludes: shaders/common/regression-params.wgsl, shaders/common/dot-workgroup.wgsl (binds M = XT, u = r).
// Bindings: 0 XT (d×n row-major = X's columns, read), 1 r (n), 2 g (d, write), 3 params.
// Layout: one workgroup of WG threads per coordinate (2-D grid when d > 65535); strided dot product, tree reduction.

@group(0) @binding(2) var<storage, read_write> g: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = wg_output(wg, nwg);
  if (j >= P.d) { return; }
  let s = dot_wg(j * P.n, P.n, li);
  if (li == 0u) { g[j] = s; }
}
