// Token-list sparse flash attention (prepended: common/attention-flash.wgsl; bindings 0-5 as there), used by
// HiP and SEA masks. Binding 6 lists (u32): lists[h·nT + t] .. lists[h·nT + t + 1] bound the (key, tag) pairs
// of query tile t (pair e at lists[2e'], lists[2e'+1] from that offset). Binding 7 bits: per-query bitmasks
// (H×N×P.words u32) for column tags. Visible: causal ⇒ j ≤ i, and tag ALL (0xffffffff) → yes; WINDOW
// (0xfffffffe) → within w of i; else column c → bit c of query i's mask. P.tiles = nT. 32 entries per step.

@group(0) @binding(6) var<storage, read> lists: array<u32>;
@group(0) @binding(7) var<storage, read> bits: array<u32>;

fn visible(i: u32, slot: u32) -> bool {
  let j = keyIdx[slot];
  let tag = keyTag[slot];
  if (P.causal != 0u && j > i) { return false; }
  if (tag == 0xffffffffu) { return true; }
  if (tag == 0xfffffffeu) {
    if (P.causal != 0u) { return i - j < P.window; }
    return select(j - i, i - j, i >= j) <= P.window / 2u;
  }
  return ((bits[(head * P.n + i) * P.words + (tag >> 5u)] >> (tag & 31u)) & 1u) == 1u;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  flash_begin(wg.x, wg.y, local);
  let at = wg.y * P.tiles + wg.x;
  let a = lists[at];
  let b = lists[at + 1u];
  let steps = (b - a) / 2u;
  for (var s = 0u; s < steps; s += BC) {
    if (local < BC) {
      let e = s + local;
      if (e < steps) {
        keyIdx[local] = lists[a + 2u * e];
        keyTag[local] = lists[a + 2u * e + 1u];
      } else {
        keyIdx[local] = NO_KEY;
        keyTag[local] = 0u;
      }
    }
    workgroupBarrier();
    flash_tile();
  }
  flash_end();
}
