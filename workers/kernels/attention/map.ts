/** Wrapper for shaders/attention/map.wgsl: the R×C cell means of the dense attention matrix, per head. */
import code from '../../../shaders/attention/map.wgsl?raw';
import { readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, program } from '../../gpu/pass';
import type { QkvBuffers } from './flash-common';

/** Largest map side: one thread per column, so also the workgroup size. */
export const MAP_MAX = 256;
const MAP = program('attention-map', code, { constants: { WG: MAP_MAX } });

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
  const list = new PassList(ctx, 'attention-map');
  try {
    const out = list.empty('out', heads * rows * cols * 4);
    const params = list.uniform('params', [
      { u32: n },
      { u32: d },
      { u32: causal ? 1 : 0 },
      { u32: rows },
      { u32: cols },
      { f32: 1 / Math.sqrt(d) },
      { u32: 0 },
      { u32: 0 },
    ]);
    list.add(MAP, [b.q, b.k, b.lse, out, params], [rows, heads]);
    list.run();
    return await readFloat32(ctx.device, out, heads * rows * cols);
  } finally {
    list.destroy();
  }
}
