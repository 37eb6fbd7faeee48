/** The run's Q, K, V: the user's .npy files (N×d or H×N×d) or a seeded synthetic generator; size checks. */
import { type NdArray, toFloat32 } from '../../core/ndarray';
import { attentionInputs } from '../../data/attention-inputs';
import { checkFits, type GpuContext } from '../../gpu/device';
import { qkvBytes } from '../../kernels/attention/flash-common';
import { UserError } from '../types';
import type { AttnProblem } from './backend';
import type { AttnValues } from './method-types';

/** The flash kernels keep d ≤ 256 accumulators per row. */
export const MAX_D = 256;
/** Beyond this many multiply-adds (H·N²·d) the CPU backend would take minutes. */
export const CPU_MAX_MACS = 6e9;

/**
 * Q, K, V for a run. `check` sees the sizes before any synthetic data is generated, so a refusal is
 * immediate even for the largest sizes.
 */
export function loadProblem(
  v: AttnValues,
  data: Record<string, NdArray>,
  check: (dims: { heads: number; n: number; d: number }) => void = () => {},
): AttnProblem & { fromFile: boolean } {
  // The source is the spec's `data` alone (the runner has already refused files it would not use).
  if (v.data !== 'file') {
    check(v);
    return {
      ...attentionInputs(v.data, v.heads, v.n, v.d, v.seed, v.causal),
      causal: v.causal,
      fromFile: false,
    };
  }
  const missing = (['q', 'k', 'v'] as const).filter((key) => !data[key]);
  if (missing.length)
    throw new UserError(
      `own data needs Q, K and V .npy files; missing ${missing.join(', ')} (CLI: --data ${missing[0]}=PATH)`,
    );
  const shape = data.q.shape;
  for (const key of ['k', 'v'] as const) {
    if (data[key].shape.join('×') !== shape.join('×')) {
      throw new UserError(
        `${key}: shape ${data[key].shape.join('×')} differs from q's ${shape.join('×')}; Q, K and V must have the same shape`,
      );
    }
  }
  if (shape.length !== 2 && shape.length !== 3)
    throw new UserError(`q: shape ${shape.join('×')} must be N×d or H×N×d`);
  const [heads, n, d] = shape.length === 2 ? [1, shape[0], shape[1]] : shape;
  if (n < 1 || d < 1 || heads < 1) throw new UserError(`q: shape ${shape.join('×')} has an empty dimension`);
  if (d > MAX_D) throw new UserError(`q: head dim d = ${d} is above the kernels' limit of ${MAX_D}`);
  if (heads > 64) throw new UserError(`q: ${heads} heads; at most 64 (split the file)`);
  check({ heads, n, d });
  // Finite values and exact integers: checked for every lab by runExperiment (checkUserData).
  const arrays = (['q', 'k', 'v'] as const).map((key) => toFloat32(data[key]));
  return { q: arrays[0], k: arrays[1], v: arrays[2], heads, n, d, causal: v.causal, fromFile: true };
}

/** Refuses sizes that would not fit this GPU, or that the CPU backend cannot finish in reasonable time. */
export function checkSizes(
  p: { heads: number; n: number; d: number },
  v: AttnValues,
  gpu: GpuContext | null,
): void {
  const { heads, n, d } = p;
  const what = `attention with H=${heads}, N=${n}, d=${d}`;
  if (!gpu) {
    const macs = heads * n * n * d;
    if (macs > CPU_MAX_MACS) {
      throw new UserError(
        `${what} needs ${(macs / 1e9).toFixed(1)} G multiply-adds for the dense reference: too slow on the CPU backend; use WebGPU or a smaller N`,
      );
    }
    return;
  }
  const base = qkvBytes({ heads, n, d, causal: v.causal });
  const nb = Math.ceil(n / v.block);
  const extra = 4 * heads * n + 4 * heads * (2 * nb * d + nb * nb) + 4 * heads * 256 * 256;
  const why = checkFits(gpu.adapter, base.largest, base.total + extra);
  if (why) throw new UserError(`${what} ${why}; lower N, d or the number of heads`);
}
