// X = data[rows[b]], xc = X − b_dec. Thread per (b, j).
@group(0) @binding(0) var<storage, read> data: array<f32>;
@group(0) @binding(1) var<storage, read> rowIdx: array<u32>;
@group(0) @binding(2) var<storage, read> bDec: array<f32>;
@group(0) @binding(3) var<storage, read_write> X: array<f32>;
@group(0) @binding(4) var<storage, read_write> xc: array<f32>;
@group(0) @binding(5) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.B * D.d) { return; }
  let b = t / D.d;
  let j = t % D.d;
  let x = data[rowIdx[b] * D.d + j];
  X[t] = x;
  xc[t] = x - bDec[j];
}
