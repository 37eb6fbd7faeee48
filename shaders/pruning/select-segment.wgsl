// Count-based selection: in each segment (a row, or the whole layer as one segment) of n non-negative
// scores, prune exactly k: the k smallest, ties to the lower index. keep[e] = 0 pruned, 1 kept.
// Bindings: 0 S (read), 1 keep (write, u32), 2 uniforms {segments, n, k}.
// One workgroup of WG threads (256; a power of two for the tree sum) per segment; thread t owns a contiguous chunk of the segment.
// Non-negative f32 compare like their u32 bit patterns, so a binary search over bit patterns (31
// rounds, each a workgroup count) finds the k-th smallest value τ; every score below τ is pruned, and
// of those equal to τ the first (k − #below) in index order, located with a prefix sum over chunks.
struct Dims { segments: u32, n: u32, k: u32, _pad: u32 }

@group(0) @binding(0) var<storage, read> S: array<f32>;
@group(0) @binding(1) var<storage, read_write> keep: array<u32>;
@group(0) @binding(2) var<uniform> dims: Dims;

override WG: u32 = 256u;
var<workgroup> partials: array<u32, WG>;
var<workgroup> shared_count: u32;

fn workgroup_sum(t: u32, v: u32) -> u32 {
  partials[t] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) { partials[t] += partials[t + s]; }
    workgroupBarrier();
  }
  if (t == 0u) { shared_count = partials[0]; }
  workgroupBarrier();
  let r = shared_count;
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let seg = wg.x + wg.y * 65535u;
  let t = lid.x;
  let valid = seg < dims.segments;
  let n = dims.n;
  let base = seg * n;
  let chunk = (n + WG - 1u) / WG;
  let c0 = min(n, t * chunk);
  let c1 = min(n, c0 + chunk);
  let k = dims.k;
  // Smallest bit pattern τ with #(bits ≤ τ) ≥ k (k ≥ 1); k = 0 prunes nothing.
  var lo = 0u;
  var hi = 0x7f800000u;
  for (var r = 0u; r < 31u; r++) {
    let mid = lo + (hi - lo) / 2u;
    var c = 0u;
    if (valid) {
      for (var e = c0; e < c1; e++) {
        if (bitcast<u32>(S[base + e]) <= mid) { c++; }
      }
    }
    let total = workgroup_sum(t, c);
    if (total >= k) { hi = mid; } else { lo = mid + 1u; }
  }
  let tau = lo;
  var below = 0u;
  var equal = 0u;
  if (valid) {
    for (var e = c0; e < c1; e++) {
      let b = bitcast<u32>(S[base + e]);
      if (b < tau) { below++; }
      if (b == tau) { equal++; }
    }
  }
  let totalBelow = workgroup_sum(t, below);
  // Exclusive prefix of the equal counts over the chunks (thread order = index order).
  partials[t] = equal;
  workgroupBarrier();
  if (t == 0u) {
    var run = 0u;
    for (var q = 0u; q < WG; q++) {
      let v = partials[q];
      partials[q] = run;
      run += v;
    }
  }
  workgroupBarrier();
  if (!valid) { return; }
  let needEq = select(0u, k - totalBelow, k > totalBelow);
  var seen = partials[t];
  for (var e = c0; e < c1; e++) {
    let b = bitcast<u32>(S[base + e]);
    var kept = 1u;
    if (k > 0u) {
      if (b < tau) {
        kept = 0u;
      } else if (b == tau) {
        if (seen < needEq) { kept = 0u; }
        seen++;
      }
    }
    keep[base + e] = kept;
  }
}
