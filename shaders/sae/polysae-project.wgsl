// A = [z·U⁽¹⁾ | z·U⁽²⁾ | z·U⁽³⁾] for the stacked rows. Thread per (row, packed column).
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> U1: array<f32>;
@group(0) @binding(2) var<storage, read> U2: array<f32>;
@group(0) @binding(3) var<storage, read> U3: array<f32>;
@group(0) @binding(4) var<storage, read_write> A: array<f32>;
@group(0) @binding(5) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.rows * D.T) { return; }
  let r = t / D.T;
  let q = t % D.T;
  var s = 0.0;
  for (var i = 0u; i < D.M; i++) {
    let zi = z[r * D.M + i];
    if (zi == 0.0) { continue; }
    if (q < D.R1) {
      s += zi * U1[i * D.R1 + q];
    } else if (q < D.R1 + D.R2) {
      s += zi * U2[i * D.R2 + q - D.R1];
    } else {
      s += zi * U3[i * D.R3 + q - D.R1 - D.R2];
    }
  }
  A[t] = s;
}
