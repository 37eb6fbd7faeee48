/** Wrapper for shaders/attention/window.wgsl: sliding window (w) plus s attention sinks. */
import entry from '../../../shaders/attention/window.wgsl?raw';
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

export interface WindowParams {
  window: number;
  sinks: number;
}

export function prepareWindow(ctx: GpuContext, b: QkvBuffers, w: WindowParams): PreparedKernel {
  const pipeline = flashPipeline(ctx, 'attention-window', entry);
  const params = attnParams(ctx.device, 'attn-window.params', b.shape, { window: w.window, sinks: w.sinks });
  const group = bindGroup(ctx.device, pipeline, 'attention-window', [b.q, b.k, b.v, b.o, b.lse, params]);
  return {
    encode: (enc, ts) => dispatch(enc, pipeline, group, queryTiles(b.shape.n), b.shape.heads, 1, ts),
    destroy: () => params.destroy(),
  };
}

export function windowAttentionGpu(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttnShape,
  w: WindowParams,
): Promise<AttnOutput> {
  return oneShot(ctx, q, k, v, shape, (b) => prepareWindow(ctx, b, w));
}
