// Gradient of one regression problem, one thread per coordinate (the variant for small n·d): g = Xᵀ r,
// reading X row-major so neighbouring threads read neighbouring columns.
// Bindings: 0 X (n×d row-major, read), 1 r (n), 2 g (d, write), 3 params {n, d, …}.
// Layout: workgroups of 64 threads over the coordinates (2-D grid of workgroups when d > 64·65535).

struct Params { n: u32, d: u32, advance: u32, accelerate: u32, step: f32, thr: f32, shrink: f32, _pad: f32 }

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read_write> g: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = (wg.x + wg.y * nwg.x) * 64u + li;
  if (j >= P.d) { return; }
  var acc = 0.0;
  for (var i = 0u; i < P.n; i++) { acc = fma(X[i * P.d + j], r[i], acc); }
  g[j] = acc;
}
