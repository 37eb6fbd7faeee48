/** Wrapper for shaders/attention/gather.wgsl: flash attention over per-tile (key, tag) lists (HiP, SEA). */
import entry from '../../../shaders/attention/gather.wgsl?raw';
import type { GpuContext } from '../../gpu/device';
import { PassList } from '../../gpu/pass';
import type { TileList } from '../../reference/attention/gather';
import {
  type AttnOutput,
  type AttnShape,
  attnParams,
  flashProgram,
  oneShot,
  type QkvBuffers,
  queryTiles,
} from './flash-common';

const GATHER = flashProgram('attention-gather', entry);

/** [offsets (H·nT + 1, absolute word positions), then key, tag pairs]. */
export function packTileLists(perHead: TileList[][]): Uint32Array {
  const rows = perHead.flat();
  const total = rows.reduce((a, r) => a + r.keys.length, 0);
  const packed = new Uint32Array(rows.length + 1 + 2 * total);
  let at = rows.length + 1;
  rows.forEach((r, i) => {
    packed[i] = at;
    for (let e = 0; e < r.keys.length; e++) {
      packed[at++] = r.keys[e];
      packed[at++] = r.tags[e];
    }
  });
  packed[rows.length] = at;
  return packed;
}

export interface GatherParams {
  window: number;
  /** u32 words per query in `bits` (0 = no column tags). */
  words: number;
  perHead: TileList[][];
  /** H×N×words bitmasks, or null. */
  bits: Uint32Array | null;
}

export function prepareGather(ctx: GpuContext, b: QkvBuffers, g: GatherParams): PassList {
  const list = new PassList(ctx, 'attention-gather');
  const lists = list.data('tileLists', packTileLists(g.perHead));
  const bits = list.data('queryBits', g.bits && g.bits.length > 0 ? g.bits : new Uint32Array(4));
  const nT = queryTiles(b.shape.n);
  const params = attnParams(list, b.shape, { window: g.window, words: g.words, tiles: nT });
  list.add(GATHER, [b.q, b.k, b.v, b.o, b.lse, params, lists, bits], [nT, b.shape.heads]);
  return list;
}

export function gatherAttentionGpu(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttnShape,
  g: GatherParams,
): Promise<AttnOutput> {
  return oneShot(ctx, q, k, v, shape, (b) => prepareGather(ctx, b, g));
}
