// LLSA attention over precomputed lists (selection on the CPU): query i attends, with one online softmax,
// to the stacked rows listRows[listOff[I] .. listOff[I+1]) of its level-1 query block I = ⌊i / qblock⌋, where
// a stacked row r is a token (r < N) or a pooled block; its score is τ·q_i·k_r + logw[r] (log of the block's
// token count: weight w turns e^s into w·e^s).
// Bindings: 0 q (N×d), 1 kStack (R×d), 2 vStack (R×d), 3 logw (R), 4 listOff (n1+1, u32), 5 listRows (u32),
// 6 out (N×d, write), 7 uniforms {n, d, qblock, tau}.
// One thread per query row; the d ≤ 256 accumulators live in private memory.

struct Params { n: u32, d: u32, qblock: u32, tau: f32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> ks: array<f32>;
@group(0) @binding(2) var<storage, read> vs: array<f32>;
@group(0) @binding(3) var<storage, read> logw: array<f32>;
@group(0) @binding(4) var<storage, read> listOff: array<u32>;
@group(0) @binding(5) var<storage, read> listRows: array<u32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= P.n) { return; }
  let d = P.d;
  var acc: array<f32, 256>;
  for (var c = 0u; c < d; c++) { acc[c] = 0.0; }
  var m = -3.0e38;
  var l = 0.0;
  let I = i / P.qblock;
  for (var t = listOff[I]; t < listOff[I + 1u]; t++) {
    let r = listRows[t];
    var s = 0.0;
    for (var c = 0u; c < d; c++) { s += q[i * d + c] * ks[r * d + c]; }
    s = P.tau * s + logw[r];
    let m2 = max(m, s);
    let a = exp(m - m2);
    let p = exp(s - m2);
    l = a * l + p;
    for (var c = 0u; c < d; c++) { acc[c] = a * acc[c] + p * vs[r * d + c]; }
    m = m2;
  }
  let inv = select(0.0, 1.0 / l, l > 0.0);
  for (var c = 0u; c < d; c++) { out[i * d + c] = acc[c] * inv; }
}
