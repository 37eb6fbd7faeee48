/**
 * Linear attention on the GPU (docs/methods.md#linear-attention); same maths as workers/reference/attention/linear.ts.
 * Passes: φ(Q), φ(K) (attention-linear-features [+ favor-max, favor-exp]) → per-chunk states H_c = Φ_Kᵀ[V|1]
 * (attention-linear-chunk-state) → exclusive prefix over chunks, or the total when non-causal
 * (attention-linear-scan) → output: inter-chunk φ(q)ᵀS_{c−1} + intra-chunk masked quadratic term
 * (attention-linear-output). Work O(N·C·F + N·F·d); memory O(N·F + (N/C)·F·d).
 */
import scanCode from '../../../shaders/attention/linear-scan.wgsl?raw';
import { ceilDiv } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, program } from '../../gpu/pass';
import { featureDim, LINEAR_EPS } from '../../reference/attention/feature-maps';
import type { LinearAttentionOpts } from '../../reference/attention/linear';
import { validateLinearShapes } from '../../reference/attention/linear';
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
const SCAN_WG = 256;
const SCAN = program('attention-linear-scan', scanCode, { constants: { WG: SCAN_WG } });

/** Non-causal: rows per partial state, so at most ~32 partial states are reduced. */
function stateRows(o: Pick<LinearAttentionOpts, 'n' | 'causal' | 'chunk'>): number {
  const chunk = Math.max(1, Math.floor(o.chunk));
  return o.causal ? chunk : Math.max(chunk, 64, ceilDiv(o.n, 32));
}

/** GPU bytes (largest single buffer and total) linear attention needs at these sizes. */
export function linearAttentionBytes(o: LinearAttentionOpts): { largest: number; total: number } {
  const { n, d } = o;
  const f = featureDim(o);
  const sizes = [
    4 * n * d,
    4 * n * d,
    4 * n * d,
    4 * n * d,
    ...featureBytes(n, o),
    4 * ceilDiv(n, stateRows(o)) * f * (d + 1),
  ];
  return { largest: Math.max(...sizes), total: sizes.reduce((a, b) => a + b, 0) };
}

export interface LinearAttentionPlan {
  plan: PassList;
  out: GPUBuffer;
}

/** Uploads q, k, v and records every pass (encode it once to run, several times to time). */
export function prepareLinearAttention(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: LinearAttentionOpts,
): LinearAttentionPlan {
  const { n, d, causal } = o;
  validateLinearShapes(q, k, v, n, d);
  checkHeadDim('linear attention', n, d);
  ensureFits(ctx, 'linear attention', linearAttentionBytes(o));
  const plan = new PassList(ctx, 'linear');
  try {
    const qb = plan.data('q', q);
    const kb = plan.data('k', k);
    const vb = plan.data('v', v);
    const out = plan.empty('out', 4 * n * d);
    const { phiQ, phiK, f } = addFeaturePair(plan, qb, kb, o);
    const rows = stateRows(o);
    const nChunks = ceilDiv(n, rows);
    const state = addChunkStates(plan, phiK, vb, n, d, f, rows);
    const count = f * (d + 1);
    const [sx, sy] = grid2d(ceilDiv(count, SCAN_WG));
    const sp = plan.uniform('scan', [{ u32: count }, { u32: nChunks }, { u32: causal ? 1 : 0 }, { u32: sx }]);
    plan.add(SCAN, [state, sp], [sx, sy]);
    addOutput(plan, phiQ, phiK, vb, state, out, {
      n,
      d,
      f,
      chunk: causal ? rows : 16,
      intra: causal,
      stateByChunk: causal,
      eps: o.eps ?? LINEAR_EPS,
    });
    return { plan, out };
  } catch (e) {
    plan.destroy();
    throw e;
  }
}

export async function linearAttentionGpu(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: LinearAttentionOpts,
): Promise<Float32Array> {
  const { plan, out } = prepareLinearAttention(ctx, q, k, v, o);
  return runPlanOnce(plan, out, o.n * o.d);
}
