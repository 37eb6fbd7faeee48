// One dot product per workgroup of WG threads (WG a power of two, an override constant): the matrix is
// bound at 0 and the vector at 1; dot_wg(base, len, li) = Σ_k M[base + k]·u[k] over k < len, each thread
// summing a strided slice and a tree reduction in workgroup memory combining them. Every thread of the
// workgroup must call it (it has barriers); every thread gets the sum.

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> M: array<f32>;
@group(0) @binding(1) var<storage, read> u: array<f32>;

var<workgroup> part: array<f32, WG>;

fn dot_wg(base: u32, len: u32, li: u32) -> f32 {
  var acc = 0.0;
  for (var k = li; k < len; k += WG) { acc = fma(M[base + k], u[k], acc); }
  part[li] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (li < s) { part[li] += part[li + s]; }
    workgroupBarrier();
  }
  return part[0];
}

// Which output this workgroup computes (a 2-D grid of workgroups when there are more than 65535).
fn wg_output(wg: vec3<u32>, nwg: vec3<u32>) -> u32 { return wg.x + wg.y * nwg.x; }
