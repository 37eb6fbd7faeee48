// ∂b_dec = Σ_b G_b (batch rows; ê carries no bias) − ∂b_encᵀ·W_enc (the encoder sees x − b_dec). Thread per j.
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> gbEnc: array<f32>;
@group(0) @binding(2) var<storage, read> W: array<f32>;
@group(0) @binding(3) var<storage, read_write> gbDec: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = flatIndex(gid, nwg);
  if (j >= D.d) { return; }
  var s = 0.0;
  for (var b = 0u; b < D.B; b++) { s += G[b * D.d + j]; }
  for (var i = 0u; i < D.M; i++) { s -= gbEnc[i] * W[i * D.d + j]; }
  gbDec[j] = s;
}
