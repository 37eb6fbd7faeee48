// Dead-latent bookkeeping after the step: since[i] = 0 if latent i fired in the batch, else since + B;
// firings[i] += how many samples it fired on. lat = [since (M) | firings (M)]. Thread per latent.
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read_write> lat: array<f32>;
@group(0) @binding(2) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i >= D.M) { return; }
  var fired = 0.0;
  for (var b = 0u; b < D.B; b++) { fired += select(0.0, 1.0, z[b * D.M + i] > 0.0); }
  lat[i] = select(lat[i] + f32(D.B), 0.0, fired > 0.0);
  lat[D.M + i] += fired;
}
