/**
 * Log-linear attention on the GPU (docs/methods.md#log-linear-attention; causal forward), same maths as
 * workers/reference/attention/loglinear.ts. Chunkwise form with aligned chunks of C = 2^c tokens:
 * - tokens of the same chunk: quadratic term with weights β^{ℓ(t,s)}, ℓ = 0 if t = s else 1 + msb(t XOR s) ≤ c;
 * - earlier chunks S < T: ℓ(t,s) = c + 1 + msb(T XOR S), so the whole inter-chunk term is one weighted state
 *   P_T = Σ_l β^{c+l} (level-l Fenwick bucket of chunk states), built by attention/loglinear-fenwick.wgsl.
 * Passes: φ(Q), φ(K) → chunk states H_T → Fenwick-weighted P_T (in place) → output (linear output kernel with
 * level weights). Work O(N·C·F + N·F·d + (N/C)·log(N/C)·F·d).
 */
import fenwickCode from '../../../shaders/attention/loglinear-fenwick.wgsl?raw';
import { ceilDiv } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, program } from '../../gpu/pass';
import { featureDim, LINEAR_EPS } from '../../reference/attention/feature-maps';
import { type LogLinearOpts, levelWeight, validateLogLinear } from '../../reference/attention/loglinear';
import {
  addChunkStates,
  addFeaturePair,
  addOutput,
  checkHeadDim,
  ensureFits,
  featureBytes,
  grid2d,
  runPlanOnce,
} from './linear-common';

/** Threads per workgroup of the state pass (one per state element). */
const FENWICK_WG = 256;
const FENWICK = program('attention-loglinear-fenwick', fenwickCode, { constants: { WG: FENWICK_WG } });

export const DEFAULT_LOGLINEAR_CHUNK = 64;

/** Aligned Fenwick chunks need a power of two: other sizes are rounded down (the result does not depend on it). */
function chunkOf(o: LogLinearOpts): number {
  const c = Math.max(1, Math.floor(o.chunk ?? DEFAULT_LOGLINEAR_CHUNK));
  return 2 ** Math.floor(Math.log2(c));
}

export function logLinearAttentionBytes(o: LogLinearOpts): { largest: number; total: number } {
  const { n, d } = o;
  const f = featureDim(o);
  const sizes = [
    4 * n * d,
    4 * n * d,
    4 * n * d,
    4 * n * d,
    ...featureBytes(n, o),
    4 * ceilDiv(n, chunkOf(o)) * f * (d + 1),
  ];
  return { largest: Math.max(...sizes), total: sizes.reduce((a, b) => a + b, 0) };
}

export function prepareLogLinearAttention(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: LogLinearOpts,
): { plan: PassList; out: GPUBuffer } {
  const beta = validateLogLinear(o);
  const { n, d } = o;
  checkHeadDim('log-linear attention', n, d);
  if (q.length !== n * d || k.length !== n * d || v.length !== n * d)
    throw new Error(`q, k, v must each be N×d = ${n}×${d}`);
  const chunk = chunkOf(o);
  ensureFits(ctx, 'log-linear attention', logLinearAttentionBytes(o));
  const c = Math.log2(chunk);
  const plan = new PassList(ctx, 'loglinear');
  try {
    const qb = plan.data('q', q);
    const kb = plan.data('k', k);
    const vb = plan.data('v', v);
    const out = plan.empty('out', 4 * n * d);
    const { phiQ, phiK, f } = addFeaturePair(plan, qb, kb, o);
    const state = addChunkStates(plan, phiK, vb, n, d, f, chunk);
    const count = f * (d + 1);
    const [wx, wy] = grid2d(ceilDiv(count, FENWICK_WG));
    const words: Array<{ u32: number } | { f32: number }> = [
      { u32: count },
      { u32: ceilDiv(n, chunk) },
      { u32: wx },
      { u32: 0 },
    ];
    for (let l = 0; l < 36; l++) words.push({ f32: levelWeight(o, beta, c + l) });
    plan.add(FENWICK, [state, plan.uniform('fenwick', words)], [wx, wy]);
    addOutput(plan, phiQ, phiK, vb, state, out, {
      n,
      d,
      f,
      chunk,
      intra: true,
      stateByChunk: true,
      eps: o.eps ?? LINEAR_EPS,
      levelWeights: Array.from({ length: 36 }, (_, l) => levelWeight(o, beta, l)),
    });
    return { plan, out };
  } catch (e) {
    plan.destroy();
    throw e;
  }
}

export async function logLinearAttentionGpu(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: LogLinearOpts,
): Promise<Float32Array> {
  const { plan, out } = prepareLogLinearAttention(ctx, q, k, v, o);
  return runPlanOnce(plan, out, o.n * o.d);
}
