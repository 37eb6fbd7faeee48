// PolySAE ∂λ₂ = Σ part[0 .. n), ∂λ₃ = Σ part[n .. 2n) (n = B·R₂), one workgroup of 256 threads (tree sum).
// Bindings: 0 part, 1 glam (2), 2 dims {n}.

struct Dims { n: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> glam: array<f32>;
@group(0) @binding(2) var<uniform> D: Dims;

var<workgroup> red: array<f32, 512>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var s2 = 0.0;
  var s3 = 0.0;
  for (var i = li; i < D.n; i += 256u) {
    s2 += part[i];
    s3 += part[D.n + i];
  }
  red[li] = s2;
  red[256u + li] = s3;
  workgroupBarrier();
  for (var off = 128u; off > 0u; off = off / 2u) {
    if (li < off) {
      red[li] += red[li + off];
      red[256u + li] += red[256u + li + off];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    glam[0] = red[0];
    glam[1] = red[256];
  }
}
