// Output-per-thread layout for matrix–vector kernels (small problems, no barriers): each thread computes one
// output o = Σ_k M[o + k·outputs]·u[k] over k < len, the matrix bound at 0 stored transposed (column o
// strided) so that neighbouring threads read neighbouring addresses, the vector at 1. Workgroups have WG
// threads (an override constant). The twin with the same functions is dot-workgroup.wgsl.

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> M: array<f32>;
@group(0) @binding(1) var<storage, read> u: array<f32>;

// This thread's output (a 2-D grid of workgroups when there are more than WG·65535 outputs).
fn out_index(wg: vec3<u32>, nwg: vec3<u32>, li: u32) -> u32 { return (wg.x + wg.y * nwg.x) * WG + li; }

// Every thread writes its own output.
fn is_writer(li: u32) -> bool { return true; }

fn out_dot(o: u32, outputs: u32, len: u32, li: u32) -> f32 {
  var acc = 0.0;
  for (var k = 0u; k < len; k++) { acc = fma(M[o + k * outputs], u[k], acc); }
  return acc;
}
