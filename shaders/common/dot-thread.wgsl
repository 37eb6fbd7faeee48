// One dot product per thread, for small problems (no barriers): the matrix is bound at 0 and the vector
// at 1; dot_strided(start, stride, len) = Σ_k M[start + k·stride]·u[k] over k < len. With the matrix laid
// out so that `start` is the thread's output, neighbouring threads read neighbouring addresses.
// Workgroups have WG threads (an override constant).

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> M: array<f32>;
@group(0) @binding(1) var<storage, read> u: array<f32>;

fn dot_strided(start: u32, stride: u32, len: u32) -> f32 {
  var acc = 0.0;
  for (var k = 0u; k < len; k++) { acc = fma(M[start + k * stride], u[k], acc); }
  return acc;
}

// Which output this thread computes (a 2-D grid of workgroups when there are more than 65535).
fn thread_output(wg: vec3<u32>, nwg: vec3<u32>, li: u32) -> u32 { return (wg.x + wg.y * nwg.x) * WG + li; }
