// HiP tree-search mask (arXiv 2406.09827, training-free): for each 32-query block, K' nodes over the n_src
// searchable key blocks are split in halves round after round; each child is scored by its centre key
// block (max of q·k over every b_sq-th query of the block and the block's b_k keys) and the best K' of the
// 2K' children are kept (order: non-empty first, score desc, start asc, size desc — as the CPU reference).
// Bindings: 0 Q, 1 K (H×N×d), 2 sel (H×nQb×(K'+1) u32: [count or 0xffffffff = keep all, block ids…]),
// 3 params. Grid (nQb, H); WG threads; nodes, children and one query row live in workgroup memory
// (K' ≤ 256, children sorted with a bitonic network of P2 = next pow2 ≥ 2K' entries).

struct HipParams {
  n: u32, d: u32, causal: u32, window: u32,
  sinks: u32, k: u32, bk: u32, bsq: u32,
  nodes: u32, nqb: u32, p2: u32, _pad: u32,
}

@group(0) @binding(0) var<storage, read> Q: array<f32>;
@group(0) @binding(1) var<storage, read> K: array<f32>;
@group(0) @binding(2) var<storage, read_write> sel: array<u32>;
@group(0) @binding(3) var<uniform> hp: HipParams;

const NEG: f32 = -3.0e38;

var<workgroup> nodeStart: array<u32, 256>;
var<workgroup> nodeSize: array<u32, 256>;
var<workgroup> chStart: array<u32, 512>;
var<workgroup> chSize: array<u32, 512>;
var<workgroup> chScore: array<f32, 512>;
var<workgroup> qrow: array<f32, 256>;

fn better(a: u32, b: u32) -> bool {
  let ea = chSize[a] > 0u;
  let eb = chSize[b] > 0u;
  if (ea != eb) { return ea; }
  if (chScore[a] != chScore[b]) { return chScore[a] > chScore[b]; }
  if (chStart[a] != chStart[b]) { return chStart[a] < chStart[b]; }
  return chSize[a] > chSize[b];
}

// Threads per workgroup (every loop strides by it; the wrapper passes 256).
override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let B = wg.x;
  let h = wg.y;
  let q0 = B * 32u;
  let q1 = min(hp.n, q0 + 32u);
  let tB = q1 - 1u;
  var T = 0u;
  if (hp.causal != 0u) {
    if (tB + 1u > hp.window + hp.sinks) { T = tB + 1u - hp.window - hp.sinks; }
  } else if (hp.n > hp.sinks) {
    T = hp.n - hp.sinks;
  }
  let end = hp.sinks + T;
  let out = (h * hp.nqb + B) * (hp.nodes + 1u);
  if (T <= hp.k) {
    if (t == 0u) { sel[out] = 0xffffffffu; }
    return;
  }
  let nsrc = (T + hp.bk - 1u) / hp.bk;
  let kn = hp.nodes;
  for (var i = t; i < kn; i += WG) {
    let s = (nsrc * i) / kn;
    nodeStart[i] = s;
    nodeSize[i] = (nsrc * (i + 1u)) / kn - s;
  }
  // Rounds until every node is one block: ⌈log2 ⌈n_src/K'⌉⌉ (extra rounds would change nothing).
  let maxInit = (nsrc + kn - 1u) / kn;
  var rounds = 0u;
  while ((1u << rounds) < maxInit) { rounds++; }
  let qbase = h * hp.n * hp.d;
  for (var round = 0u; round < rounds; round++) {
    workgroupBarrier();
    for (var i = t; i < hp.p2; i += WG) {
      if (i < 2u * kn) {
        let s = nodeStart[i / 2u];
        let z = nodeSize[i / 2u];
        let half = z / 2u;
        chStart[i] = select(s + half, s, i % 2u == 0u);
        chSize[i] = select(z - half, half, i % 2u == 0u);
      } else {
        chStart[i] = 0xffffffffu;
        chSize[i] = 0u;
      }
      chScore[i] = NEG;
    }
    for (var qi = q0; qi < q1; qi += hp.bsq) {
      workgroupBarrier();
      for (var e = t; e < hp.d; e += WG) { qrow[e] = Q[qbase + qi * hp.d + e]; }
      workgroupBarrier();
      for (var c = t; c < 2u * kn; c += WG) {
        let z = chSize[c];
        if (z == 0u) { continue; }
        let rep = chStart[c] + z / 2u;
        var best = chScore[c];
        for (var e = 0u; e < hp.bk; e++) {
          let j = hp.sinks + rep * hp.bk + e;
          if (j >= end || (hp.causal != 0u && j > qi)) { continue; }
          var dot = 0.0;
          let ka = qbase + j * hp.d;
          for (var x = 0u; x < hp.d; x++) { dot = fma(qrow[x], K[ka + x], dot); }
          best = max(best, dot);
        }
        chScore[c] = best;
      }
    }
    // Bitonic sort, best first.
    for (var size = 2u; size <= hp.p2; size <<= 1u) {
      for (var stride = size >> 1u; stride > 0u; stride >>= 1u) {
        workgroupBarrier();
        for (var i = t; i < hp.p2; i += WG) {
          let l = i ^ stride;
          if (l > i) {
            let forward = (i & size) == 0u;
            if (forward == better(l, i)) {
              let s0 = chStart[i];
              let z0 = chSize[i];
              let v0 = chScore[i];
              chStart[i] = chStart[l];
              chSize[i] = chSize[l];
              chScore[i] = chScore[l];
              chStart[l] = s0;
              chSize[l] = z0;
              chScore[l] = v0;
            }
          }
        }
      }
    }
    workgroupBarrier();
    for (var i = t; i < kn; i += WG) {
      nodeStart[i] = chStart[i];
      nodeSize[i] = chSize[i];
    }
  }
  workgroupBarrier();
  if (t == 0u) { sel[out] = kn; }
  for (var i = t; i < kn; i += WG) { sel[out + 1u + i] = nodeStart[i]; }
}
