// ∂λ₂ = Σ h₂ ⊙ a₁ ⊙ a₂ and ∂λ₃ = Σ h₃ ⊙ a₁ ⊙ a₂ ⊙ a₃ over the stacked rows, in one workgroup (fixed tree).
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> C2: array<f32>;
@group(0) @binding(3) var<storage, read> C3: array<f32>;
@group(0) @binding(4) var<storage, read_write> glam: array<f32>;
@group(0) @binding(5) var<uniform> D: Dims;

var<workgroup> s2: array<f32, 64>;
var<workgroup> s3: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) li: u32) {
  var acc2 = 0.0;
  var acc3 = 0.0;
  for (var t = li; t < D.rows * D.R2; t += 64u) {
    let r = t / D.R2;
    let c = t % D.R2;
    let o = r * D.T;
    let q2 = A[o + c] * A[o + D.R1 + c];
    var h2 = 0.0;
    for (var j = 0u; j < D.d; j++) { h2 += G[r * D.d + j] * C2[j * D.R2 + c]; }
    acc2 += h2 * q2;
    if (c < D.R3) {
      var h3 = 0.0;
      for (var j = 0u; j < D.d; j++) { h3 += G[r * D.d + j] * C3[j * D.R3 + c]; }
      acc3 += h3 * q2 * A[o + D.R1 + D.R2 + c];
    }
  }
  s2[li] = acc2;
  s3[li] = acc3;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (li < s) {
      s2[li] += s2[li + s];
      s3[li] += s3[li + s];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    glam[0] = s2[0];
    glam[1] = s3[0];
  }
}
