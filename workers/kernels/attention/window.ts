/** Wrapper for shaders/attention/window.wgsl: sliding window (w) plus s attention sinks. */
import entry from '../../../shaders/attention/window.wgsl?raw';
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

const WINDOW = flashProgram('attention-window', entry);

export interface WindowParams {
  window: number;
  sinks: number;
}

export function prepareWindow(ctx: GpuContext, b: QkvBuffers, w: WindowParams): PassList {
  const list = new PassList(ctx, 'attention-window');
  const params = attnParams(list, b.shape, { window: w.window, sinks: w.sinks });
  list.add(WINDOW, [b.q, b.k, b.v, b.o, b.lse, params], [queryTiles(b.shape.n), b.shape.heads]);
  return list;
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
