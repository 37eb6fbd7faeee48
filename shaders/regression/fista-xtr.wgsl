// Gradient of one large problem: g = Xᵀ r, for the duality-gap check and the power iteration.
// Bindings: 0 XT (d×n row-major = X's columns, read), 1 r (n), 2 g (d, write), 3 params {n, d, …}.
// Layout: one workgroup of 256 threads per coordinate (2-D grid when d > 65535); strided dot product, tree reduction.

struct Params { n: u32, d: u32, advance: u32, accelerate: u32, step: f32, thr: f32, shrink: f32, _pad: f32 }

@group(0) @binding(0) var<storage, read> XT: array<f32>;
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read_write> g: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

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
  if (li == 0u) { g[j] = part[0]; }
}
