// PolySAE backward to the projection a, one thread per (b, r): with h_p = Σ_j G[b,j]·C_p[j,r],
//   ∂a[b,r] = h₁ + [r < R₂](2λ₂·a·h₂ + 3λ₃·a²·h₃), and the λ partials h₂·a², h₃·a³ into part (2 × B×R₂).
// Bindings: 0 G (B×d), 1 a (B×R₁), 2 C1, 3 C2, 4 C3, 5 lam, 6 ga (B×R₁), 7 part, 8 dims. 2-D grid of 256.

struct Dims { B: u32, d: u32, R1: u32, R2: u32 }

@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> C1: array<f32>;
@group(0) @binding(3) var<storage, read> C2: array<f32>;
@group(0) @binding(4) var<storage, read> C3: array<f32>;
@group(0) @binding(5) var<storage, read> lam: array<f32>;
@group(0) @binding(6) var<storage, read_write> ga: array<f32>;
@group(0) @binding(7) var<storage, read_write> part: array<f32>;
@group(0) @binding(8) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.B * D.R1) { return; }
  let b = q / D.R1;
  let r = q % D.R1;
  var h1 = 0.0;
  var h2 = 0.0;
  var h3 = 0.0;
  let inter = r < D.R2;
  for (var j = 0u; j < D.d; j++) {
    let g = G[b * D.d + j];
    h1 = fma(g, C1[j * D.R1 + r], h1);
    if (inter) {
      h2 = fma(g, C2[j * D.R2 + r], h2);
      h3 = fma(g, C3[j * D.R2 + r], h3);
    }
  }
  let v = a[q];
  var out = h1;
  if (inter) {
    out += 2.0 * lam[0] * v * h2 + 3.0 * lam[1] * v * v * h3;
    let p = b * D.R2 + r;
    part[p] = h2 * v * v;
    part[D.B * D.R2 + p] = h3 * v * v * v;
  }
  ga[q] = out;
}
