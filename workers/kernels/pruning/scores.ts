/**
 * Wrapper for shaders/pruning/scores.wgsl (and its column-norm pass scores-colnorm.wgsl): magnitude |W| or
 * Wanda |W|·‖X_:,j‖ scores on the GPU, checked against workers/reference/pruning/scores.ts.
 */

import scoresCode from '../../../shaders/pruning/scores.wgsl?raw';
import colnormCode from '../../../shaders/pruning/scores-colnorm.wgsl?raw';
import { ceilDiv, readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, program } from '../../gpu/pass';

const WG_COLNORM = 64;
const WG_X = 16;
const WG_Y = 16;
const COLNORM = program('pruning-scores-colnorm', colnormCode, { constants: { WG: WG_COLNORM } });
const SCORES = program('pruning-scores', scoresCode, { constants: { WG_X, WG_Y } });

/** |W| (mode magnitude) or |W|·‖X_:,j‖ (mode wanda, X tokens × cols) on the GPU. */
export async function pruningScoresGpu(
  ctx: GpuContext,
  W: Float32Array,
  rows: number,
  cols: number,
  mode: 'magnitude' | 'wanda',
  X?: { data: Float32Array; tokens: number },
): Promise<Float32Array> {
  const wanda = mode === 'wanda';
  if (wanda && !X) throw new Error('Wanda scores need the calibration inputs X');
  const list = new PassList(ctx, 'pruning.scores');
  try {
    const norms = list.empty('norms', cols * 4);
    if (wanda && X) {
      const dims = list.uniform('colnorm.dims', [{ u32: X.tokens }, { u32: cols }, { u32: 0 }, { u32: 0 }]);
      list.add(COLNORM, [list.data('X', X.data), norms, dims], [ceilDiv(cols, WG_COLNORM)]);
    }
    const S = list.empty('S', rows * cols * 4);
    const dims = list.uniform('dims', [{ u32: rows }, { u32: cols }, { u32: wanda ? 1 : 0 }, { u32: 0 }]);
    list.add(SCORES, [list.data('W', W), norms, S, dims], [ceilDiv(cols, WG_X), ceilDiv(rows, WG_Y)]);
    list.run();
    return await readFloat32(ctx.device, S, rows * cols);
  } finally {
    list.destroy();
  }
}
