// SAE residual and loss gradient, one thread per row. Bindings: 0 X (B×d), 1 xraw (decoder output without
// b_dec; rows [B, 2B) hold the AuxK reconstruction ê), 2 b_dec, 3 e (B×d), 4 G (2B×d), 5 rowSq (2B),
// 6 sc (scalars: [0] Σ‖e‖², [1] dead count), 7 dims.
// MAIN: x̂ = xraw + b_dec, e = X − x̂, G = 2(x̂ − X)/(B·v) → rows [0, B), rowSq[b] = ‖e_b‖².
// AUX:  G_aux = 2α(ê − e)/Σ‖e‖² → G rows [B, 2B) (0 while no latent is dead), rowSq[B + b] = ‖e_b − ê_b‖².

override AUX: bool = false;

struct Dims { B: u32, d: u32, twoOverBv: f32, auxCoeff: f32 }

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> xraw: array<f32>;
@group(0) @binding(2) var<storage, read> b_dec: array<f32>;
@group(0) @binding(3) var<storage, read_write> e: array<f32>;
@group(0) @binding(4) var<storage, read_write> G: array<f32>;
@group(0) @binding(5) var<storage, read_write> rowSq: array<f32>;
@group(0) @binding(6) var<storage, read> sc: array<f32>;
@group(0) @binding(7) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= D.B) { return; }
  let d = D.d;
  var s = 0.0;
  if (AUX) {
    var scale = 0.0;
    if (sc[1] > 0.0 && sc[0] > 0.0) { scale = 2.0 * D.auxCoeff / sc[0]; }
    for (var j = 0u; j < d; j++) {
      let diff = xraw[(D.B + b) * d + j] - e[b * d + j];
      G[(D.B + b) * d + j] = scale * diff;
      s += diff * diff;
    }
    rowSq[D.B + b] = s;
  } else {
    for (var j = 0u; j < d; j++) {
      let q = b * d + j;
      let xh = xraw[q] + b_dec[j];
      let r = X[q] - xh;
      e[q] = r;
      G[q] = -D.twoOverBv * r;
      s += r * r;
    }
    rowSq[b] = s;
  }
}
