// Retraction, step 2: gram = UcatᵀUcat (T×T). Thread per entry.
@group(0) @binding(0) var<storage, read> Ucat: array<f32>;
@group(0) @binding(1) var<storage, read_write> gram: array<f32>;
@group(0) @binding(2) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.T * D.T) { return; }
  let a = t / D.T;
  let b = t % D.T;
  var s = 0.0;
  for (var i = 0u; i < D.M; i++) { s += Ucat[i * D.T + a] * Ucat[i * D.T + b]; }
  gram[t] = s;
}
