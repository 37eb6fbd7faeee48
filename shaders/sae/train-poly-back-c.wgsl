// PolySAE backward to the output maps, one thread per (j, r) looping over the batch:
//   ∂C₁[j,r] = Σ_b G[b,j]·a[b,r];  r < R₂: ∂C₂[j,r] = λ₂ Σ_b G[b,j]·a²,  ∂C₃[j,r] = λ₃ Σ_b G[b,j]·a³.
// Bindings: 0 G (B×d), 1 a (B×R₁), 2 lam, 3 gC1 (d×R₁), 4 gC2, 5 gC3 (d×R₂), 6 dims. 2-D grid of 256.

struct Dims { B: u32, d: u32, R1: u32, R2: u32 }

@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> lam: array<f32>;
@group(0) @binding(3) var<storage, read_write> gC1: array<f32>;
@group(0) @binding(4) var<storage, read_write> gC2: array<f32>;
@group(0) @binding(5) var<storage, read_write> gC3: array<f32>;
@group(0) @binding(6) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.d * D.R1) { return; }
  let j = q / D.R1;
  let r = q % D.R1;
  let inter = r < D.R2;
  var s1 = 0.0;
  var s2 = 0.0;
  var s3 = 0.0;
  for (var b = 0u; b < D.B; b++) {
    let g = G[b * D.d + j];
    let v = a[b * D.R1 + r];
    s1 = fma(g, v, s1);
    if (inter) {
      s2 = fma(g, v * v, s2);
      s3 = fma(g, v * v * v, s3);
    }
  }
  gC1[q] = s1;
  if (inter) {
    gC2[j * D.R2 + r] = lam[0] * s2;
    gC3[j * D.R2 + r] = lam[1] * s3;
  }
}
