// SLA block pooling of Q and K in one dispatch: pooled[J, c] = mean of x[r, c] over the rows r of block J, divided
// by the block's real row count (the last block may be partial); x = Q for workgroup z = 0, K for z = 1. Smooth-k
// is applied later, in attention/sla-classify.wgsl.
// Bindings: 0 q, 1 k (N×d, read), 2 qPool, 3 kPool (nb×d, write), 4 uniforms {n, d, block}.
// Workgroup: 64 threads = 64 columns of one block; grid (⌈d/64⌉, nb, 2).

struct Params { n: u32, d: u32, block: u32, _p0: u32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read_write> qPool: array<f32>;
@group(0) @binding(3) var<storage, read_write> kPool: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let col = wg.x * 64u + li;
  let J = wg.y;
  if (col >= P.d) { return; }
  let r0 = J * P.block;
  let r1 = min(r0 + P.block, P.n);
  var s = 0.0;
  if (wg.z == 0u) {
    for (var r = r0; r < r1; r++) { s += q[r * P.d + col]; }
    qPool[J * P.d + col] = s / f32(r1 - r0);
  } else {
    for (var r = r0; r < r1; r++) { s += k[r * P.d + col]; }
    kPool[J * P.d + col] = s / f32(r1 - r0);
  }
}
