// Block mean-pooling of Q or K: X̄[h][I][e] = (1/n_I) Σ_{i in block I} X[h][i][e], n_I the real token
// count of block I (the last block may be partial; dividing by b there is a known bug to avoid).
// Bindings: 0 X (H×N×d, read), 1 pooled (H×nb×d, write), 2 params {n, d, block, nb}.
// Grid (nb, H); 64 threads stride over the d columns, each summing its column over the block's rows.

struct PoolParams { n: u32, d: u32, block: u32, nb: u32 }

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> pooled: array<f32>;
@group(0) @binding(2) var<uniform> pp: PoolParams;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let I = wg.x;
  let h = wg.y;
  let r0 = I * pp.block;
  let r1 = min(pp.n, r0 + pp.block);
  let inv = 1.0 / f32(r1 - r0);
  for (var e = t; e < pp.d; e += 64u) {
    var s = 0.0;
    for (var r = r0; r < r1; r++) { s += X[(h * pp.n + r) * pp.d + e]; }
    pooled[(h * pp.nb + I) * pp.d + e] = s * inv;
  }
}
