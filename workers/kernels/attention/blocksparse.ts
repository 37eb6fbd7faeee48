/**
 * Wrappers for block-sparse attention: shaders/attention/blocksparse-pool.wgsl + attention/blocksparse-scores.wgsl give the
 * pooled block scores (read back for selection on the CPU, which sorts at most (N/32)² numbers per head),
 * shaders/attention/blocksparse.wgsl attends over the kept blocks only.
 */

import entry from '../../../shaders/attention/blocksparse.wgsl?raw';
import poolCode from '../../../shaders/attention/blocksparse-pool.wgsl?raw';
import blockScoresCode from '../../../shaders/attention/blocksparse-scores.wgsl?raw';
import {
  bindGroup,
  ceilDiv,
  dispatch,
  emptyBuffer,
  readFloat32,
  storageBuffer,
  uniformBuffer,
} from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import type { BlockLists } from '../../reference/attention/blocksparse';
import {
  type AttnOutput,
  type AttnShape,
  attnParams,
  flashPipeline,
  oneShot,
  type PreparedKernel,
  type QkvBuffers,
  queryTiles,
  TILE,
} from './flash-common';

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
): PreparedKernel & { scores: GPUBuffer } {
  const { heads, n, d, causal } = b.shape;
  const nb = ceilDiv(n, block);
  const dev = ctx.device;
  const pool = ctx.pipeline('attention-pool', poolCode);
  const score = ctx.pipeline('attention-block-scores', blockScoresCode);
  const qb = emptyBuffer(dev, 'attn.Qbar', heads * nb * d * 4);
  const kb = emptyBuffer(dev, 'attn.Kbar', heads * nb * d * 4);
  const scores = emptyBuffer(dev, 'attn.blockScores', heads * nb * nb * 4);
  const pp = uniformBuffer(dev, 'attn-pool.params', [{ u32: n }, { u32: d }, { u32: block }, { u32: nb }]);
  const sp = uniformBuffer(dev, 'attn-scores.params', [
    { u32: nb },
    { u32: d },
    { u32: causal ? 1 : 0 },
    { f32: 1 / Math.sqrt(d) },
  ]);
  const gq = bindGroup(dev, pool, 'attention-pool.Q', [b.q, qb, pp]);
  const gk = bindGroup(dev, pool, 'attention-pool.K', [b.k, kb, pp]);
  const gs = bindGroup(dev, score, 'attention-block-scores', [qb, kb, scores, sp]);
  return {
    scores,
    encode(enc, ts) {
      dispatch(
        enc,
        pool,
        gq,
        nb,
        heads,
        1,
        ts ? { querySet: ts.querySet, beginningOfPassWriteIndex: ts.beginningOfPassWriteIndex } : undefined,
      );
      dispatch(enc, pool, gk, nb, heads);
      dispatch(
        enc,
        score,
        gs,
        ceilDiv(nb, 16),
        ceilDiv(nb, 16),
        heads,
        ts ? { querySet: ts.querySet, endOfPassWriteIndex: ts.endOfPassWriteIndex } : undefined,
      );
    },
    destroy() {
      for (const x of [qb, kb, scores, pp, sp]) x.destroy();
    },
  };
}

export async function blockScoresGpu(ctx: GpuContext, b: QkvBuffers, block: number): Promise<Float32Array> {
  const k = prepareBlockScores(ctx, b, block);
  const enc = ctx.device.createCommandEncoder({ label: 'attention-block-scores' });
  k.encode(enc);
  ctx.device.queue.submit([enc.finish()]);
  const nb = ceilDiv(b.shape.n, block);
  const out = await readFloat32(ctx.device, k.scores, b.shape.heads * nb * nb);
  k.destroy();
  return out;
}

export function prepareBlockSparse(
  ctx: GpuContext,
  b: QkvBuffers,
  block: number,
  perHead: BlockLists[],
): PreparedKernel {
  if (block % TILE !== 0) throw new Error(`block size ${block} must be a multiple of ${TILE}`);
  const pipeline = flashPipeline(ctx, 'attention-blocksparse', entry);
  const nb = ceilDiv(b.shape.n, block);
  const lists = storageBuffer(ctx.device, 'attn.blockLists', packLists(perHead));
  const params = attnParams(ctx.device, 'attn-blocksparse.params', b.shape, { block, tiles: nb });
  const group = bindGroup(ctx.device, pipeline, 'attention-blocksparse', [
    b.q,
    b.k,
    b.v,
    b.o,
    b.lse,
    params,
    lists,
  ]);
  return {
    encode: (enc, ts) => dispatch(enc, pipeline, group, queryTiles(b.shape.n), b.shape.heads, 1, ts),
    destroy() {
      params.destroy();
      lists.destroy();
    },
  };
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
