// Output-per-workgroup layout for matrix–vector kernels (large problems): each workgroup of WG threads
// (a power of two, an override constant) computes one output o = Σ_k M[o·len + k]·u[k] over k < len, with
// the matrix bound at 0 (row o contiguous) and the vector at 1. Each thread sums a strided slice; a tree
// reduction in workgroup memory combines them. The twin with the same functions is dot-thread.wgsl.

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> M: array<f32>;
@group(0) @binding(1) var<storage, read> u: array<f32>;

var<workgroup> part: array<f32, WG>;

// This workgroup's output (a 2-D grid of workgroups when there are more than 65535).
fn out_index(wg: vec3<u32>, nwg: vec3<u32>, li: u32) -> u32 { return wg.x + wg.y * nwg.x; }

// Whether this thread writes the output (thread 0 of the workgroup).
fn is_writer(li: u32) -> bool { return li == 0u; }

// Σ_k M[o·len + k]·u[k]; every thread of the workgroup must call it (it has barriers) and gets the sum.
fn out_dot(o: u32, outputs: u32, len: u32, li: u32) -> f32 {
  var acc = 0.0;
  let base = o * len;
  for (var k = li; k < len; k += WG) { acc = fma(M[base + k], u[k], acc); }
  part[li] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (li < s) { part[li] += part[li + s]; }
    workgroupBarrier();
  }
  return part[0];
}
