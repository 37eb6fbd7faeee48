// ∂L/∂π: ∂z = Σ_p ∂a_p·U⁽ᵖ⁾ᵀ passes where TopK kept the latent and π > 0, plus AuxK's ∂ẑ where its code is
// nonzero (kept among the dead and π > 0). Thread per (b, i).
@group(0) @binding(0) var<storage, read> sel: array<u32>;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> pre: array<f32>;
@group(0) @binding(3) var<storage, read> GA: array<f32>;
@group(0) @binding(4) var<storage, read> U1: array<f32>;
@group(0) @binding(5) var<storage, read> U2: array<f32>;
@group(0) @binding(6) var<storage, read> U3: array<f32>;
@group(0) @binding(7) var<storage, read_write> gpre: array<f32>;
@group(0) @binding(8) var<uniform> D: Dims;

fn dz(r: u32, i: u32) -> f32 {
  let o = r * D.T;
  var s = 0.0;
  for (var c = 0u; c < D.R1; c++) { s += GA[o + c] * U1[i * D.R1 + c]; }
  for (var c = 0u; c < D.R2; c++) { s += GA[o + D.R1 + c] * U2[i * D.R2 + c]; }
  for (var c = 0u; c < D.R3; c++) { s += GA[o + D.R1 + D.R2 + c] * U3[i * D.R3 + c]; }
  return s;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.B * D.M) { return; }
  let b = t / D.M;
  let i = t % D.M;
  var g = 0.0;
  if (sel[t] == 1u && pre[t] > 0.0) { g = dz(b, i); }
  if (D.aux == 1u && z[D.B * D.M + t] != 0.0) { g += dz(D.B + b, i); }
  gpre[t] = g;
}
