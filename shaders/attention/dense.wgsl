// Dense flash attention (prepended: common/attention-flash.wgsl; bindings 0-5 as there, no others).
// Maths: O = softmax(τ Q Kᵀ [causal: j ≤ i]) V, LSE per row. Grid (⌈N/32⌉, H); causal skips key tiles
// entirely above the diagonal, masks only inside the diagonal tile.

fn visible(i: u32, slot: u32) -> bool {
  return P.causal == 0u || keyIdx[slot] <= i;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  // Loop bounds come from builtins and uniforms only (WGSL uniformity: private vars count as non-uniform).
  flash_begin(wg.x, wg.y, local);
  var tiles = (P.n + BC - 1u) / BC;
  if (P.causal != 0u) { tiles = min(tiles, (min(wg.x * BR + BR, P.n) - 1u) / BC + 1u); }
  for (var t = 0u; t < tiles; t++) {
    load_range(t * BC);
    flash_tile();
  }
  flash_end();
}
