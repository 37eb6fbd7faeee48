// ∂W_enc = ∂πᵀ·xc (columns j < d) and ∂b_enc = Σ_b ∂π (column d). Thread per (i, j ≤ d).
@group(0) @binding(0) var<storage, read> gpre: array<f32>;
@group(0) @binding(1) var<storage, read> xc: array<f32>;
@group(0) @binding(2) var<storage, read_write> gW: array<f32>;
@group(0) @binding(3) var<storage, read_write> gb: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  let w = D.d + 1u;
  if (t >= D.M * w) { return; }
  let i = t / w;
  let j = t % w;
  var s = 0.0;
  for (var b = 0u; b < D.B; b++) {
    let g = gpre[b * D.M + i];
    if (j < D.d) { s += g * xc[b * D.d + j]; } else { s += g; }
  }
  if (j < D.d) { gW[i * D.d + j] = s; } else { gb[i] = s; }
}
