// Block-sparse flash attention (prepended: common/attention-flash.wgsl; bindings 0-5 as there) over a
// per-query-block list of kept key blocks. Binding 6 lists (u32): lists[h·nQb + I] .. lists[h·nQb + I + 1]
// index the kept key-block ids of query block I of head h (stored in the same array, ascending).
// P.block = block size (a multiple of 32), P.tiles = nQb. Only kept blocks are loaded: work ∝ kept blocks.
// Causal: keys after the query are masked; key tiles wholly after the query tile are skipped.

@group(0) @binding(6) var<storage, read> lists: array<u32>;

fn visible(i: u32, slot: u32) -> bool {
  return P.causal == 0u || keyIdx[slot] <= i;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  flash_begin(wg.x, wg.y, local);
  let qFirst = wg.x * BR;
  let qLast = min(qFirst + BR, P.n) - 1u;
  let I = qFirst / P.block;
  let at = wg.y * P.tiles + I;
  let a = lists[at];
  let b = lists[at + 1u];
  let tilesPerBlock = P.block / BC;
  for (var e = a; e < b; e++) {
    let J = lists[e];
    for (var t = 0u; t < tilesPerBlock; t++) {
      let first = J * P.block + t * BC;
      if (first >= P.n || (P.causal != 0u && first > qLast)) { break; }
      load_range(first);
      flash_tile();
    }
  }
  flash_end();
}
