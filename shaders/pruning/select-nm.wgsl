// N:M selection: in each row, every group of M consecutive inputs keeps its N largest scores (a last
// partial group of size r keeps min(N, r)); ties: the lower index is pruned first.
// Bindings: 0 S (read), 1 keep (write, u32), 2 uniforms {rows, cols, N, M}.
// One thread per (row, group); the rank of each entry in its group is counted directly (M ≤ 128).
struct Dims { rows: u32, cols: u32, N: u32, M: u32 }

@group(0) @binding(0) var<storage, read> S: array<f32>;
@group(0) @binding(1) var<storage, read_write> keep: array<u32>;
@group(0) @binding(2) var<uniform> dims: Dims;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let groups = (dims.cols + dims.M - 1u) / dims.M;
  let g = gid.x;
  let i = gid.y;
  if (g >= groups || i >= dims.rows) { return; }
  let j0 = g * dims.M;
  let size = min(dims.M, dims.cols - j0);
  let drop = size - min(dims.N, size);
  let o = i * dims.cols + j0;
  for (var a = 0u; a < size; a++) {
    let sa = S[o + a];
    var rank = 0u;
    for (var b = 0u; b < size; b++) {
      let sb = S[o + b];
      if (sb < sa || (sb == sa && b < a)) { rank++; }
    }
    keep[o + a] = select(1u, 0u, rank < drop);
  }
}
