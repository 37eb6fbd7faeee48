// SAE batch gather: X[b, :] = data[rows[b], :], xc = X − b_dec (the encoder's centred input; xc = X when
// CENTRE is false: the 2024 ReLU-L1 has no pre-encoder bias).
// Bindings: 0 data (n×d), 1 rows (u32, B), 2 b_dec (d), 3 X (B×d), 4 xc (B×d), 5 dims {B, d}.
// One thread per element of X; 256 threads per workgroup on a 2-D grid (index = x + y·groupsX·256).

override CENTRE: bool = true;

struct Dims { B: u32, d: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> data: array<f32>;
@group(0) @binding(1) var<storage, read> rows: array<u32>;
@group(0) @binding(2) var<storage, read> b_dec: array<f32>;
@group(0) @binding(3) var<storage, read_write> X: array<f32>;
@group(0) @binding(4) var<storage, read_write> xc: array<f32>;
@group(0) @binding(5) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.B * D.d) { return; }
  let b = q / D.d;
  let j = q % D.d;
  let v = data[rows[b] * D.d + j];
  X[q] = v;
  if (CENTRE) { xc[q] = v - b_dec[j]; } else { xc[q] = v; }
}
