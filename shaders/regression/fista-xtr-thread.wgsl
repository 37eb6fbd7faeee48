// Gradient of one regression problem, one thread per coordinate (the variant for small n·d): g = Xᵀ r,
// reading X row-major so neighbouring threads read neighbouring columns.
// Preludes: shaders/common/regression-params.wgsl, shaders/common/dot-thread.wgsl (binds M = X, u = r).
// Bindings: 0 X (n×d row-major, read), 1 r (n), 2 g (d, write), 3 params.
// Layout: workgroups of WG threads over the coordinates (2-D grid of workgroups when d > WG·65535).

@group(0) @binding(2) var<storage, read_write> g: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = thread_output(wg, nwg, li);
  if (j >= P.d) { return; }
  g[j] = dot_strided(j, P.d, P.n);
}
