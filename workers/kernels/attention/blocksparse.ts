/**
 * Wrappers for block-sparse attention: shaders/attention/blocksparse-pool.wgsl + attention/blocksparse-scores.wgsl give the
 * pooled block scores (read back for selection on the CPU, which sorts at most (N/32)² numbers per head),
 * shaders/attention/blocksparse.wgsl attends over the kept blocks only.
 */

import entry from '../../../shaders/attention/blocksparse.wgsl?raw';
import poolCode from '../../../shaders/attention/blocksparse-pool.wgsl?raw';
import blockScoresCode from '../../../shaders/attention/blocksparse-scores.wgsl?raw';
import { ceilDiv, readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, program } from '../../gpu/pass';
import type { BlockLists } from '../../reference/attention/blocksparse';
import {
  type AttnOutput,
  type AttnShape,
  attnParams,
  flashProgram,
  oneShot,
  type QkvBuffers,
  queryTiles,
  TILE,
} from './flash-common';

const POOL = program('attention-pool', poolCode);
const SCORES = program('attention-block-scores', blockScoresCode);
const BLOCKSPARSE = flashProgram('attention-blocksparse', entry);

/** CSR of the lists of every head: [offsets (H·nQb + 1, absolute), block ids…]. */
export function packLists(perHead: BlockLists[]): Uint32Array {
  const rows = perHead.flat();
  const total = rows.reduce((a, r) => a + r.length, 0);
  const packed = new Uint32Array(rows.length + 1 + total);
  let at = rows.length + 1;
  rows.forEach((r, i) => {
    packed[i] = at;
    packed.set(r, at);
    at += r.length;
  });
  packed[rows.length] = at;
  return packed;
}

/** Pooled block scores of every head (H×nb×nb, −3e38 where masked), from Q and K already on the GPU. */
export function prepareBlockScores(
  ctx: GpuContext,
  b: QkvBuffers,
  block: number,
): PassList & { scores: GPUBuffer } {
  const { heads, n, d, causal } = b.shape;
  const nb = ceilDiv(n, block);
  const list = new PassList(ctx, 'attention-block-scores');
  const qb = list.empty('Qbar', heads * nb * d * 4);
  const kb = list.empty('Kbar', heads * nb * d * 4);
  const scores = list.empty('scores', heads * nb * nb * 4);
  const pp = list.uniform('pool', [{ u32: n }, { u32: d }, { u32: block }, { u32: nb }]);
  const sp = list.uniform('params', [
    { u32: nb },
    { u32: d },
    { u32: causal ? 1 : 0 },
    { f32: 1 / Math.sqrt(d) },
  ]);
  list.add(POOL, [b.q, qb, pp], [nb, heads]);
  list.add(POOL, [b.k, kb, pp], [nb, heads]);
  list.add(SCORES, [qb, kb, scores, sp], [ceilDiv(nb, 16), ceilDiv(nb, 16), heads]);
  return Object.assign(list, { scores });
}

export async function blockScoresGpu(ctx: GpuContext, b: QkvBuffers, block: number): Promise<Float32Array> {
  const k = prepareBlockScores(ctx, b, block);
  try {
    k.run();
    const nb = ceilDiv(b.shape.n, block);
    return await readFloat32(ctx.device, k.scores, b.shape.heads * nb * nb);
  } finally {
    k.destroy();
  }
}

export function prepareBlockSparse(
  ctx: GpuContext,
  b: QkvBuffers,
  block: number,
  perHead: BlockLists[],
): PassList {
  if (block % TILE !== 0) throw new Error(`block size ${block} must be a multiple of ${TILE}`);
  const nb = ceilDiv(b.shape.n, block);
  const list = new PassList(ctx, 'attention-blocksparse');
  const lists = list.data('blockLists', packLists(perHead));
  const params = attnParams(list, b.shape, { block, tiles: nb });
  list.add(BLOCKSPARSE, [b.q, b.k, b.v, b.o, b.lse, params, lists], [queryTiles(b.shape.n), b.shape.heads]);
  return list;
}

export function blockSparseAttentionGpu(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttnShape,
  block: number,
  perHead: BlockLists[],
): Promise<AttnOutput> {
  return oneShot(ctx, q, k, v, shape, (b) => prepareBlockSparse(ctx, b, block, perHead));
}
