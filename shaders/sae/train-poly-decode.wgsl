// PolySAE decoder without b_dec, one thread per output element (b, j):
//   out[b, j] = Σ_r a[b,r]·C₁[j,r] + λ₂ Σ_{r<R₂} a[b,r]²·C₂[j,r] + λ₃ Σ_{r<R₂} a[b,r]³·C₃[j,r],  a = z·U (B×R₁).
// Bindings: 0 a, 1 C1 (d×R₁), 2 C2 (d×R₂), 3 C3 (d×R₂), 4 lam [λ₂, λ₃], 5 out (B×d), 6 dims. 2-D grid of 256.

struct Dims { B: u32, d: u32, R1: u32, R2: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> C1: array<f32>;
@group(0) @binding(2) var<storage, read> C2: array<f32>;
@group(0) @binding(3) var<storage, read> C3: array<f32>;
@group(0) @binding(4) var<storage, read> lam: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.B * D.d) { return; }
  let b = q / D.d;
  let j = q % D.d;
  let ao = b * D.R1;
  var s1 = 0.0;
  for (var r = 0u; r < D.R1; r++) { s1 = fma(a[ao + r], C1[j * D.R1 + r], s1); }
  var s2 = 0.0;
  var s3 = 0.0;
  for (var r = 0u; r < D.R2; r++) {
    let v = a[ao + r];
    s2 = fma(v * v, C2[j * D.R2 + r], s2);
    s3 = fma(v * v * v, C3[j * D.R2 + r], s3);
  }
  out[q] = s1 + lam[0] * s2 + lam[1] * s3;
}
