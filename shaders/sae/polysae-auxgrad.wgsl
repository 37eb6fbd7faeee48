// AuxK's output gradient on rows [B, 2B): G_aux = s·(ê − e), s = 2α/‖e‖² from the loss kernel (0 when off).
@group(0) @binding(0) var<storage, read> e: array<f32>;
@group(0) @binding(1) var<storage, read> xraw: array<f32>;
@group(0) @binding(2) var<storage, read> lossIn: array<f32>;
@group(0) @binding(3) var<storage, read_write> G: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.B * D.d) { return; }
  let o = D.B * D.d + t;
  G[o] = lossIn[0] * (xraw[o] - e[t]);
}
