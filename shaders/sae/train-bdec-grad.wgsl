// Gradient of b_dec, one thread per coordinate j: ∂b_dec_j = Σ_b G[b, j] − Σ_i ∂b_enc[i]·W_enc[i, j]
// (the direct decoder bias term, and the encoder's centring xc = x − b_dec; only the first when CENTRE is
// false).
// Bindings: 0 G (B×d), 1 gb_enc (M), 2 W_enc (M×d), 3 gb_dec (d), 4 dims.

override CENTRE: bool = true;

struct Dims { B: u32, M: u32, d: u32, _p: u32 }

@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> gb_enc: array<f32>;
@group(0) @binding(2) var<storage, read> W_enc: array<f32>;
@group(0) @binding(3) var<storage, read_write> gb_dec: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= D.d) { return; }
  var s = 0.0;
  for (var b = 0u; b < D.B; b++) { s += G[b * D.d + j]; }
  var t = 0.0;
  if (CENTRE) {
    for (var i = 0u; i < D.M; i++) { t += gb_enc[i] * W_enc[i * D.d + j]; }
  }
  gb_dec[j] = s - t;
}
