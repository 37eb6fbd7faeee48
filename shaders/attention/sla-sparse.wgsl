// SLA sparse part (prepended: common/attention-flash.wgsl; bindings 0-5 as there, with O = O_s and LSE a scratch
// row of N): exact softmax attention of each query over the keys of its block's critical key blocks only,
// flash-style:  O_s = Σ_j e^{τ q·k_j − m} v_j / Σ_j e^{τ q·k_j − m}, j over critical blocks (class 2),
// causal: j ≤ i. A row with no visible key writes 0.
// The critical blocks of I are lut[I, 0..nCrit) (attention/sla-classify.wgsl): a compact list, only those are
// visited, with no per-block test; each is walked in 32-key tiles by the shared register-tiled flash_tile().
// Bindings: 6 lut (u32 nb×nb), 7 counts (u32 2·nb: [nCrit, nKeep] by number of visible blocks).
// Params: P.block = block size (any), P.tiles = ⌈block/32⌉ query tiles per block, P.extra1 = nb.
// Grid (nb·tiles, 1): a workgroup takes 32 query rows of one query block (the last tile of a block may be short).

@group(0) @binding(6) var<storage, read> lut: array<u32>;
@group(0) @binding(7) var<storage, read> counts: array<u32>;

fn visible(i: u32, slot: u32) -> bool {
  return P.causal == 0u || keyIdx[slot] <= i;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let nb = P.extra1;
  let I = wg.x / P.tiles;
  let rowStart = I * P.block + (wg.x % P.tiles) * BR;
  let blockEnd = min((I + 1u) * P.block, P.n);
  if (rowStart >= blockEnd) { return; }
  let lastRow = min(rowStart + BR, blockEnd) - 1u;
  let causal = P.causal != 0u;
  flash_begin_rows(rowStart, blockEnd, wg.y, local);
  var nAvail = nb;
  if (causal) { nAvail = I + 1u; }
  let nCrit = counts[2u * (nAvail - 1u)];
  for (var t = 0u; t < nCrit; t++) {
    let J = lut[I * nb + t];
    var kEnd = min((J + 1u) * P.block, P.n);
    if (causal) { kEnd = min(kEnd, lastRow + 1u); }
    for (var k0 = J * P.block; k0 < kEnd; k0 += BC) {
      load_range_to(k0, kEnd);
      flash_tile();
    }
  }
  flash_end();
}
