// ∂C₁ = Gᵀa₁, ∂C₂ = λ₂Gᵀ(a₁⊙a₂), ∂C₃ = λ₃Gᵀ(a₁⊙a₂⊙a₃) over the stacked rows. Thread per (j, packed column).
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> lam: array<f32>;
@group(0) @binding(3) var<storage, read_write> gC1: array<f32>;
@group(0) @binding(4) var<storage, read_write> gC2: array<f32>;
@group(0) @binding(5) var<storage, read_write> gC3: array<f32>;
@group(0) @binding(6) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.d * D.T) { return; }
  let j = t / D.T;
  let q = t % D.T;
  var s = 0.0;
  for (var r = 0u; r < D.rows; r++) {
    let o = r * D.T;
    let g = G[r * D.d + j];
    if (q < D.R1) {
      s += g * A[o + q];
    } else if (q < D.R1 + D.R2) {
      let c = q - D.R1;
      s += g * A[o + c] * A[o + D.R1 + c];
    } else {
      let c = q - D.R1 - D.R2;
      s += g * A[o + c] * A[o + D.R1 + c] * A[o + D.R1 + D.R2 + c];
    }
  }
  if (q < D.R1) {
    gC1[j * D.R1 + q] = s;
  } else if (q < D.R1 + D.R2) {
    gC2[j * D.R2 + q - D.R1] = lam[0] * s;
  } else {
    gC3[j * D.R3 + q - D.R1 - D.R2] = lam[1] * s;
  }
}
