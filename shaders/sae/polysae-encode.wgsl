// π = xc·W_encᵀ + b_enc. Thread per (b, i).
@group(0) @binding(0) var<storage, read> xc: array<f32>;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read> bEnc: array<f32>;
@group(0) @binding(3) var<storage, read_write> pre: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.B * D.M) { return; }
  let b = t / D.M;
  let i = t % D.M;
  var s = 0.0;
  for (var j = 0u; j < D.d; j++) { s += xc[b * D.d + j] * W[i * D.d + j]; }
  pre[t] = s + bEnc[i];
}
