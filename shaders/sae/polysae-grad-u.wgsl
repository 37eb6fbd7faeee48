// ∂U⁽ᵖ⁾ = zᵀ·∂a_p over the stacked rows (batch and AuxK codes). Thread per (latent, packed column).
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> GA: array<f32>;
@group(0) @binding(2) var<storage, read_write> gU1: array<f32>;
@group(0) @binding(3) var<storage, read_write> gU2: array<f32>;
@group(0) @binding(4) var<storage, read_write> gU3: array<f32>;
@group(0) @binding(5) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.M * D.T) { return; }
  let i = t / D.T;
  let q = t % D.T;
  var s = 0.0;
  for (var r = 0u; r < D.rows; r++) {
    let zi = z[r * D.M + i];
    if (zi != 0.0) { s += zi * GA[r * D.T + q]; }
  }
  if (q < D.R1) {
    gU1[i * D.R1 + q] = s;
  } else if (q < D.R1 + D.R2) {
    gU2[i * D.R2 + q - D.R1] = s;
  } else {
    gU3[i * D.R3 + q - D.R1 - D.R2] = s;
  }
}
