// Sliding-window + sinks flash attention (prepended: common/attention-flash.wgsl; bindings 0-5 only).
// Visible: causal j ≤ i ∧ (i − j < w ∨ j < s); non-causal |i − j| ≤ ⌊w/2⌋ ∨ j < s  (w = P.window, s = P.sinks).
// Grid (⌈N/32⌉, H). Each query tile visits only the sink tiles before its band, the key tiles meeting its
// band, and (non-causal) the sink tiles after it: O(N(w + s)d) work.

fn visible(i: u32, slot: u32) -> bool {
  let j = keyIdx[slot];
  if (j < P.sinks) { return P.causal == 0u || j <= i; }
  if (P.causal != 0u) { return j <= i && i - j < P.window; }
  let h = P.window / 2u;
  return select(j - i, i - j, i >= j) <= h;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  flash_begin(wg.x, wg.y, local);
  let qFirst = wg.x * BR; // not the private q0: loop bounds must be provably uniform
  let qLast = min(qFirst + BR, P.n) - 1u;
  var lo = 0u;
  var hi = qLast;
  if (P.causal != 0u) {
    if (qFirst + 1u > P.window) { lo = qFirst + 1u - P.window; }
  } else {
    let h = P.window / 2u;
    if (qFirst > h) { lo = qFirst - h; }
    hi = min(P.n - 1u, qLast + h);
  }
  let band0 = lo / BC;
  let band1 = hi / BC;
  let sinkTiles = min((P.sinks + BC - 1u) / BC, band0);
  for (var t = 0u; t < sinkTiles; t++) {
    load_range(t * BC);
    flash_tile();
  }
  for (var t = band0; t <= band1; t++) {
    load_range(t * BC);
    flash_tile();
  }
  // Non-causal: sinks right of the band (a query near the start sees every sink, as `visible` says).
  if (P.causal == 0u) {
    let allSinkTiles = (P.sinks + BC - 1u) / BC;
    for (var t = band1 + 1u; t < allSinkTiles; t++) {
      load_range(t * BC);
      flash_tile();
    }
  }
  flash_end();
}
