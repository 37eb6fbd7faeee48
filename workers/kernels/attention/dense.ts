/** Wrapper for shaders/attention/dense.wgsl: flash attention, dense or causal, any number of heads. */
import entry from '../../../shaders/attention/dense.wgsl?raw';
import type { GpuContext } from '../../gpu/device';
import { PassList } from '../../gpu/pass';
import {
  type AttnOutput,
  type AttnShape,
  attnParams,
  flashProgram,
  oneShot,
  type QkvBuffers,
  queryTiles,
} from './flash-common';

const DENSE = flashProgram('attention-dense', entry);

export function prepareDense(ctx: GpuContext, b: QkvBuffers): PassList {
  const list = new PassList(ctx, 'attention-dense');
  const params = attnParams(list, b.shape);
  list.add(DENSE, [b.q, b.k, b.v, b.o, b.lse, params], [queryTiles(b.shape.n), b.shape.heads]);
  return list;
}

export function denseAttentionGpu(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttnShape,
): Promise<AttnOutput> {
  return oneShot(ctx, q, k, v, shape, (b) => prepareDense(ctx, b));
}
