// Decoder-atom constraints, one thread per atom row i of W (M×d). Bindings: 0 W, 1 g (gradient), 2 lat
// (L1 coefficients at lat[3M + i]), 3 dims.
// PROJECT: g_i += c_i·w_i/‖w_i‖ (ReLU-L1's decoder-norm penalty, when HAS_COEF), then, when REMOVE_PARALLEL,
// g_i −= (g_i·w_i/‖w_i‖²)·w_i (the 2024 ReLU-L1 keeps free norms: no projection, no renormalisation).
// Otherwise: w_i ← w_i/‖w_i‖ (unit-norm atoms after each update).

override PROJECT: bool = false;
override HAS_COEF: bool = false;
override REMOVE_PARALLEL: bool = true;

struct Dims { M: u32, d: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read_write> W: array<f32>;
@group(0) @binding(1) var<storage, read_write> g: array<f32>;
@group(0) @binding(2) var<storage, read> lat: array<f32>;
@group(0) @binding(3) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= D.M) { return; }
  let d = D.d;
  let o = i * d;
  var nn = 0.0;
  for (var j = 0u; j < d; j++) { nn += W[o + j] * W[o + j]; }
  if (nn == 0.0) { return; }
  if (PROJECT) {
    var add = 0.0;
    if (HAS_COEF) { add = lat[3u * D.M + i] / sqrt(nn); }
    var dot = 0.0;
    for (var j = 0u; j < d; j++) {
      let gj = g[o + j] + add * W[o + j];
      g[o + j] = gj;
      dot += gj * W[o + j];
    }
    if (REMOVE_PARALLEL) {
      let s = dot / nn;
      for (var j = 0u; j < d; j++) { g[o + j] = g[o + j] - s * W[o + j]; }
    }
  } else {
    let inv = 1.0 / sqrt(nn);
    for (var j = 0u; j < d; j++) { W[o + j] = W[o + j] * inv; }
  }
}
