// xraw = a₁C₁ᵀ + λ₂(a₁_{:R₂} ⊙ a₂)C₂ᵀ + λ₃(a₁_{:R₃} ⊙ a₂_{:R₃} ⊙ a₃)C₃ᵀ (no b_dec). Thread per (row, j).
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> C1: array<f32>;
@group(0) @binding(2) var<storage, read> C2: array<f32>;
@group(0) @binding(3) var<storage, read> C3: array<f32>;
@group(0) @binding(4) var<storage, read> lam: array<f32>;
@group(0) @binding(5) var<storage, read_write> xraw: array<f32>;
@group(0) @binding(6) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.rows * D.d) { return; }
  let r = t / D.d;
  let j = t % D.d;
  let o = r * D.T;
  var s1 = 0.0;
  for (var c = 0u; c < D.R1; c++) { s1 += A[o + c] * C1[j * D.R1 + c]; }
  var s2 = 0.0;
  for (var c = 0u; c < D.R2; c++) { s2 += A[o + c] * A[o + D.R1 + c] * C2[j * D.R2 + c]; }
  var s3 = 0.0;
  for (var c = 0u; c < D.R3; c++) {
    s3 += A[o + c] * A[o + D.R1 + c] * A[o + D.R1 + D.R2 + c] * C3[j * D.R3 + c];
  }
  xraw[t] = s1 + lam[0] * s2 + lam[1] * s3;
}
