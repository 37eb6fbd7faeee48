// FAVOR+ features, second half: phi[i, r] = ratio·(exp(phi[i, r] − c_i) + 1e-4), ratio = m^{-1/2},
// where phi holds ω_r·x̃_i − ‖x̃_i‖²/2 and c_i = rowmax[i] (queries) or gmax[0] (keys: one global constant).
// Bindings: 0 phi (N×m, read-write), 1 rowmax (N, read), 2 gmax (1, read), 3 uniforms {n, m, perRow, wgx, ratio}.
// One thread per element, 256 per workgroup, 2-D grid of workgroups (wgx per row).

struct Params { n: u32, m: u32, perRow: u32, wgx: u32, ratio: f32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read_write> phi: array<f32>;
@group(0) @binding(1) var<storage, read> rowmax: array<f32>;
@group(0) @binding(2) var<storage, read> gmax: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let idx = (wg.y * P.wgx + wg.x) * 256u + li;
  if (idx >= P.n * P.m) { return; }
  var c = gmax[0];
  if (P.perRow == 1u) { c = rowmax[idx / P.m]; }
  phi[idx] = P.ratio * (exp(phi[idx] - c) + 1e-4);
}
