// Retraction, step 4 (after the Cholesky factor's inverse): Ucat·L⁻ᵀ, written back to each projection's column.
// Thread per (i, q).
@group(0) @binding(0) var<storage, read> Ucat: array<f32>;
@group(0) @binding(1) var<storage, read> Linv: array<f32>;
@group(0) @binding(2) var<storage, read> colmap: array<u32>;
@group(0) @binding(3) var<storage, read_write> U1: array<f32>;
@group(0) @binding(4) var<storage, read_write> U2: array<f32>;
@group(0) @binding(5) var<storage, read_write> U3: array<f32>;
@group(0) @binding(6) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.M * D.T) { return; }
  let i = t / D.T;
  let q = t % D.T;
  var s = 0.0;
  for (var b = 0u; b <= q; b++) { s += Linv[q * D.T + b] * Ucat[i * D.T + b]; }
  let which = colmap[2u * q];
  let c = colmap[2u * q + 1u];
  if (which == 0u) {
    U1[i * D.R1 + c] = s;
  } else if (which == 1u) {
    U2[i * D.R2 + c] = s;
  } else {
    U3[i * D.R3 + c] = s;
  }
}
