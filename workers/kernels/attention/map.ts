/** Wrapper for shaders/attention/map.wgsl: the R×C cell means of the dense attention matrix, per head. */
import code from '../../../shaders/attention/map.wgsl?raw';
import { bindGroup, dispatch, emptyBuffer, readFloat32, uniformBuffer } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import type { QkvBuffers } from './flash-common';

export const MAP_MAX = 256;

/** Needs `b.lse` to hold the dense LSE (run the dense kernel first). */
export async function attentionMapGpu(
  ctx: GpuContext,
  b: QkvBuffers,
  rows: number,
  cols: number,
): Promise<Float32Array> {
  const { heads, n, d, causal } = b.shape;
  if (rows > MAP_MAX || cols > MAP_MAX || rows > n || cols > n)
    throw new Error(`map ${rows}×${cols} must be at most ${MAP_MAX} and N`);
  const dev = ctx.device;
  const pipeline = ctx.pipeline('attention-map', code);
  const out = emptyBuffer(dev, 'attn.map', heads * rows * cols * 4);
  const params = uniformBuffer(dev, 'attn-map.params', [
    { u32: n },
    { u32: d },
    { u32: causal ? 1 : 0 },
    { u32: rows },
    { u32: cols },
    { f32: 1 / Math.sqrt(d) },
    { u32: 0 },
    { u32: 0 },
  ]);
  const group = bindGroup(dev, pipeline, 'attention-map', [b.q, b.k, b.lse, out, params]);
  const enc = dev.createCommandEncoder({ label: 'attention-map' });
  dispatch(enc, pipeline, group, rows, heads);
  dev.queue.submit([enc.finish()]);
  const m = await readFloat32(dev, out, heads * rows * cols);
  out.destroy();
  params.destroy();
  return m;
}
