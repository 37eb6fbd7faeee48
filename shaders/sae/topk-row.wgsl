// Exact per-row top-k, one thread per row (the variant for short rows and software adapters, where the
// workgroup radix select's barriers cost more than a sequential scan). Same bindings, parameters and output
// as topk.wgsl: 0 pre, 1 since, 2 outIdx, 3 outVal, 4 params. The thread keeps the best K so far in a
// private buffer sorted by value (entries arrive in latent order, so an equal value never displaces an
// earlier one: the reference's tie rule), then writes them in ascending latent order with val = max(π, 0).
// K ≤ 128 (KMAX). 64 threads per workgroup, 2-D grid of rows.

override MASKED: bool = false;

struct Params { M: u32, K: u32, stride: u32, offset: u32, deadAfter: f32, rows: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> pre: array<f32>;
@group(0) @binding(1) var<storage, read> since: array<f32>;
@group(0) @binding(2) var<storage, read_write> outIdx: array<u32>;
@group(0) @binding(3) var<storage, read_write> outVal: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

const KMAX: u32 = 128u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = flatIndex(gid, nwg);
  if (row >= P.rows) { return; }
  let M = P.M;
  let K = min(P.K, KMAX);
  let base = row * M;
  var vals: array<f32, KMAX>;
  var idxs: array<u32, KMAX>;
  var size = 0u;
  for (var i = 0u; i < M; i++) {
    if (MASKED && since[i] < P.deadAfter) { continue; }
    let v = pre[base + i];
    var pos = size;
    if (size == K) {
      if (!(v > vals[K - 1u])) { continue; }
      pos = K - 1u;
    } else {
      size++;
    }
    while (pos > 0u && v > vals[pos - 1u]) {
      vals[pos] = vals[pos - 1u];
      idxs[pos] = idxs[pos - 1u];
      pos--;
    }
    vals[pos] = v;
    idxs[pos] = i;
  }
  // Ascending latent order (insertion sort on the indices, carrying the values).
  for (var a = 1u; a < size; a++) {
    let ia = idxs[a];
    let va = vals[a];
    var b = a;
    while (b > 0u && idxs[b - 1u] > ia) {
      idxs[b] = idxs[b - 1u];
      vals[b] = vals[b - 1u];
      b--;
    }
    idxs[b] = ia;
    vals[b] = va;
  }
  let out0 = row * P.stride + P.offset;
  for (var s = 0u; s < P.K; s++) {
    if (s < size) {
      outIdx[out0 + s] = idxs[s];
      outVal[out0 + s] = max(vals[s], 0.0);
    } else {
      outIdx[out0 + s] = 0u;
      outVal[out0 + s] = 0.0;
    }
  }
}
