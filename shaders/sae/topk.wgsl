// Exact per-row top-k (TopK, PolySAE, AuxK): one workgroup per row of π (B×M). Bindings: 0 pre (read),
// 1 since (read; samples since each latent fired), 2 outIdx (u32), 3 outVal, 4 params.
// Radix select on order-preserving keys (float bits, sign-flipped): 4 passes of 8-bit histograms over the
// candidates find the k-th largest key T; all keys > T are kept and the first (by latent index) of the
// keys == T fill the rest, the reference's tie rule. Output, in ascending latent order, at
// outIdx[row·stride + offset + s] with val = max(π, 0); unused slots get (0, 0). With MASKED, only latents
// with since ≥ deadAfter are candidates (AuxK over dead latents). Workgroup of WG threads (256 for long rows,
// 64 for short ones, where fewer threads mean fewer barrier waits); each thread scans a contiguous chunk of
// the row for the ordered output (two workgroup prefix sums).

override MASKED: bool = false;
override WG: u32 = 256u;

struct Params { M: u32, K: u32, stride: u32, offset: u32, deadAfter: f32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> pre: array<f32>;
@group(0) @binding(1) var<storage, read> since: array<f32>;
@group(0) @binding(2) var<storage, read_write> outIdx: array<u32>;
@group(0) @binding(3) var<storage, read_write> outVal: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

var<workgroup> hist: array<atomic<u32>, 256>;
var<workgroup> scan: array<u32, WG>;
// prefix, prefix mask, how many of the remaining rank to take, take-all flag
var<workgroup> sel: array<u32, 4>;

fn key(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

fn isCandidate(i: u32) -> bool {
  if (MASKED) { return since[i] >= P.deadAfter; }
  return true;
}

// Exclusive prefix sum of v over the workgroup (Hillis–Steele); every thread must call it.
fn exclusiveScan(li: u32, v: u32) -> vec2<u32> {
  scan[li] = v;
  workgroupBarrier();
  for (var off = 1u; off < WG; off = off * 2u) {
    var add = 0u;
    if (li >= off) { add = scan[li - off]; }
    workgroupBarrier();
    scan[li] = scan[li] + add;
    workgroupBarrier();
  }
  let inclusive = scan[li];
  let total = scan[WG - 1u];
  workgroupBarrier();
  return vec2<u32>(inclusive - v, total);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row = wg.x + wg.y * 65535u;
  let M = P.M;
  let base = row * M;
  if (li == 0u) {
    sel[0] = 0u;
    sel[1] = 0u;
    sel[2] = P.K;
    sel[3] = 0u;
  }
  for (var p = 0u; p < 4u; p++) {
    let shift = 24u - 8u * p;
    for (var h = li; h < 256u; h += WG) { atomicStore(&hist[h], 0u); }
    workgroupBarrier();
    let prefix = sel[0];
    let mask = sel[1];
    for (var i = li; i < M; i += WG) {
      if (isCandidate(i)) {
        let k = key(pre[base + i]);
        if ((k & mask) == prefix) { atomicAdd(&hist[(k >> shift) & 255u], 1u); }
      }
    }
    workgroupBarrier();
    if (li == 0u && sel[3] == 0u) {
      let need = sel[2];
      if (p == 0u) {
        var total = 0u;
        for (var b = 0u; b < 256u; b++) { total += atomicLoad(&hist[b]); }
        if (total <= need) { sel[3] = 1u; }
      }
      if (sel[3] == 0u) {
        var cum = 0u;
        for (var b = 255; b >= 0; b--) {
          let h = atomicLoad(&hist[u32(b)]);
          if (cum + h >= need) {
            sel[0] = sel[0] | (u32(b) << shift);
            sel[1] = sel[1] | (255u << shift);
            sel[2] = need - cum;
            break;
          }
          cum += h;
        }
      }
    }
    workgroupBarrier();
  }
  let T = sel[0];
  let needTies = sel[2];
  let takeAll = sel[3] == 1u;

  let chunk = (M + WG - 1u) / WG;
  let lo = min(M, li * chunk);
  let hi = min(M, lo + chunk);
  var ties = 0u;
  for (var i = lo; i < hi; i++) {
    if (isCandidate(i) && key(pre[base + i]) == T) { ties++; }
  }
  var tieRank = exclusiveScan(li, ties).x;
  var count = 0u;
  var r = tieRank;
  for (var i = lo; i < hi; i++) {
    if (!isCandidate(i)) { continue; }
    let k = key(pre[base + i]);
    var take = takeAll || k > T;
    if (!takeAll && k == T) {
      take = r < needTies;
      r++;
    }
    if (take) { count++; }
  }
  let sc = exclusiveScan(li, count);
  var pos = sc.x;
  let out0 = row * P.stride + P.offset;
  r = tieRank;
  for (var i = lo; i < hi; i++) {
    if (!isCandidate(i)) { continue; }
    let v = pre[base + i];
    let k = key(v);
    var take = takeAll || k > T;
    if (!takeAll && k == T) {
      take = r < needTies;
      r++;
    }
    if (take) {
      outIdx[out0 + pos] = i;
      outVal[out0 + pos] = max(v, 0.0);
      pos++;
    }
  }
  for (var s = sc.y + li; s < P.K; s += WG) {
    outIdx[out0 + s] = 0u;
    outVal[out0 + s] = 0.0;
  }
}
