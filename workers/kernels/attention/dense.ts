/** Wrapper for shaders/attention/dense.wgsl: flash attention, dense or causal, any number of heads. */
import entry from '../../../shaders/attention/dense.wgsl?raw';
import { bindGroup, dispatch } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import {
  type AttnOutput,
  type AttnShape,
  attnParams,
  flashPipeline,
  oneShot,
  type PreparedKernel,
  type QkvBuffers,
  queryTiles,
} from './flash-common';

export function prepareDense(ctx: GpuContext, b: QkvBuffers): PreparedKernel {
  const pipeline = flashPipeline(ctx, 'attention-dense', entry);
  const params = attnParams(ctx.device, 'attn-dense.params', b.shape);
  const group = bindGroup(ctx.device, pipeline, 'attention-dense', [b.q, b.k, b.v, b.o, b.lse, params]);
  return {
    encode: (enc, ts) => dispatch(enc, pipeline, group, queryTiles(b.shape.n), b.shape.heads, 1, ts),
    destroy: () => params.destroy(),
  };
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
