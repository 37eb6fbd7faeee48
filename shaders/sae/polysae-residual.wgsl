// x̂ = xraw + b_dec, e = X − x̂, G = ∂L_rec/∂x̂ = 2(x̂ − X)/(B·v) for the batch rows. Thread per (b, j).
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> xraw: array<f32>;
@group(0) @binding(2) var<storage, read> bDec: array<f32>;
@group(0) @binding(3) var<storage, read_write> e: array<f32>;
@group(0) @binding(4) var<storage, read_write> G: array<f32>;
@group(0) @binding(5) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.B * D.d) { return; }
  let xh = xraw[t] + bDec[t % D.d];
  e[t] = X[t] - xh;
  G[t] = 2.0 * (xh - X[t]) / (f32(D.B) * D.variance);
}
