/**
 * SLA-style sparse + linear attention on the GPU (docs/methods.md#sla), same maths as workers/reference/attention/sla.ts.
 * Passes: block means of Q and K (attention-sla-pool, one dispatch) → scores, classes and α per query block
 * (attention-sla-classify) → [when some block is marginal: φ(Q), φ(K); block sums H_J = φ(K_J)ᵀ[V_J|1] (linear chunk-state kernel,
 * chunk = block); marginal sums M_I (attention-sla-marginal); O_l = φ(q)ᵀM_I / (φ(q)ᵀz_I + ε) (linear output kernel)]
 * → O_s, flash attention over critical blocks only (attention-sla-sparse) → combine (attention-sla-combine; skipped when it is the identity: no marginal block, no projection).
 * The sparse pass visits only the critical blocks (a per-query-block list), so its time falls with kh.
 */
import classifyCode from '../../../shaders/attention/sla-classify.wgsl?raw';
import combineCode from '../../../shaders/attention/sla-combine.wgsl?raw';
import marginalCode from '../../../shaders/attention/sla-marginal.wgsl?raw';
import poolCode from '../../../shaders/attention/sla-pool.wgsl?raw';
import sparseCode from '../../../shaders/attention/sla-sparse.wgsl?raw';
import { UserError } from '../../experiments/types';
import { ceilDiv, readFloat32, readUint32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, program } from '../../gpu/pass';
import { featureDim, LINEAR_EPS } from '../../reference/attention/feature-maps';
import { type SlaOpts, slaCounts, validateSla } from '../../reference/attention/sla';
import { attnParams, flashProgram, TILE } from './flash-common';
import {
  addChunkStates,
  addFeaturePair,
  addOutput,
  checkHeadDim,
  ensureFits,
  featureBytes,
  grid2d,
} from './linear-common';

/** Query/key blocks one classification workgroup can rank (its score row lives in workgroup memory). */
export const SLA_MAX_BLOCKS = 2048;

/** Whether any query block gets a marginal block (otherwise the linear part is not run). */
export function slaHasMarginal(nb: number, o: Pick<SlaOpts, 'kh' | 'kl' | 'causal'>): boolean {
  for (let a = o.causal ? 1 : nb; a <= nb; a++) {
    const [nCrit, nKeep] = slaCounts(a, o.kh, o.kl);
    if (nKeep > nCrit) return true;
  }
  return false;
}

export function slaBytes(o: SlaOpts): { largest: number; total: number } {
  const { n, d } = o;
  const nb = ceilDiv(n, o.block);
  const f = featureDim(o);
  const linear = slaHasMarginal(nb, o)
    ? [...featureBytes(n, o), 4 * nb * f * (d + 1), 4 * nb * f * (d + 1)]
    : [];
  const sizes = [...Array(6).fill(4 * n * d), 8 * nb * d, 12 * nb * nb, 12 * nb, ...linear];
  return { largest: Math.max(...sizes), total: sizes.reduce((a, b) => a + b, 0) };
}

export interface SlaPlan {
  plan: PassList;
  out: GPUBuffer;
  classes: GPUBuffer;
  alpha: GPUBuffer;
  scores: GPUBuffer;
  /** The sparse and linear parts before combining (N×d). */
  os: GPUBuffer;
  ol: GPUBuffer;
  nb: number;
}

export function prepareSla(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: SlaOpts,
): SlaPlan {
  validateSla(o);
  const { n, d, block: b, causal } = o;
  checkHeadDim('SLA', n, d);
  if (q.length !== n * d || k.length !== n * d || v.length !== n * d)
    throw new Error(`q, k, v must each be N×d = ${n}×${d}`);
  const nb = ceilDiv(n, b);
  if (nb > SLA_MAX_BLOCKS) {
    throw new UserError(
      `SLA: N/block = ${nb} blocks; the GPU classifier handles at most ${SLA_MAX_BLOCKS}: raise the block size`,
    );
  }
  ensureFits(ctx, 'SLA', slaBytes(o));
  const plan = new PassList(ctx, 'sla');
  try {
    const qb = plan.data('q', q);
    const kb = plan.data('k', k);
    const vb = plan.data('v', v);
    const qPool = plan.empty('qPool', 4 * nb * d);
    const kPool = plan.empty('kPool', 4 * nb * d);
    const poolParams = plan.uniform('pool', [{ u32: n }, { u32: d }, { u32: b }, { u32: 0 }]);
    plan.add(
      program('attention-sla-pool', poolCode),
      [qb, kb, qPool, kPool, poolParams],
      [ceilDiv(d, 64), nb, 2],
    );

    const counts = new Uint32Array(2 * nb);
    for (let a = 1; a <= nb; a++) [counts[2 * a - 2], counts[2 * a - 1]] = slaCounts(a, o.kh, o.kl);
    const scores = plan.empty('scores', 4 * nb * nb);
    const classes = plan.empty('classes', 4 * nb * nb);
    const alpha = plan.empty('alpha', 4 * nb);
    const cp = plan.uniform('classify', [
      { u32: n },
      { u32: d },
      { u32: b },
      { u32: nb },
      { u32: causal ? 1 : 0 },
      { f32: 1 / Math.sqrt(d) },
      { u32: 0 },
      { u32: 0 },
    ]);
    const countsBuf = plan.data('counts', counts);
    const lut = plan.empty('lut', 4 * nb * nb);
    plan.add(
      program('attention-sla-classify', classifyCode),
      [qPool, kPool, countsBuf, scores, classes, alpha, lut, cp],
      [nb],
    );

    // Linear part over marginal blocks; when no query block has one (e.g. kh + kl = 100), O_l stays 0.
    const ol = plan.empty('ol', 4 * n * d);
    const linear = slaHasMarginal(nb, o);
    if (linear) {
      const { phiQ, phiK, f } = addFeaturePair(plan, qb, kb, o);
      const H = addChunkStates(plan, phiK, vb, n, d, f, b);
      const count = f * (d + 1);
      const M = plan.empty('marginal', 4 * nb * count);
      const mp = plan.uniform('marginal', [{ u32: count }, { u32: nb }, { u32: causal ? 1 : 0 }, { u32: 0 }]);
      plan.add(
        program('attention-sla-marginal', marginalCode),
        [H, lut, countsBuf, M, mp],
        [ceilDiv(count, 256), nb],
      );
      addOutput(plan, phiQ, phiK, vb, M, ol, {
        n,
        d,
        f,
        chunk: b,
        intra: false,
        stateByChunk: true,
        eps: o.eps ?? LINEAR_EPS,
      });
    }

    // Sparse part: the shared register-tiled flash core over each query block's critical blocks (lut).
    const os = plan.empty('os', 4 * n * d);
    const lseScratch = plan.empty('lseScratch', 4 * n);
    const tiles = ceilDiv(b, TILE); // 32-row query tiles per block (attention/sla-sparse.wgsl)
    const sp = attnParams(plan, { heads: 1, n, d, causal }, { block: b, tiles, extra1: nb });
    plan.add(
      flashProgram('attention-sla-sparse', sparseCode),
      [qb, kb, vb, os, lseScratch, sp, lut, countsBuf],
      [nb * tiles, 1],
    );

    const projected = o.combine === 'sum' && o.proj;
    if (projected && o.proj?.length !== (d + 1) * d)
      throw new Error(`SLA projection must be (d+1)×d = ${(d + 1) * d} values`);
    // No marginal block anywhere and no projection: O_l = 0 and α = 1 exactly (the critical and kept masses are the
    // same sums), so both combinations give O_s itself; the combine pass is skipped and `out` is the O_s buffer.
    if (!projected && !linear) return { plan, out: os, classes, alpha, scores, os, ol, nb };
    const out = plan.empty('out', 4 * n * d);
    const [wx, wy] = grid2d(ceilDiv(n * d, 256));
    const W = plan.data(
      'slaProj',
      projected ? Float32Array.from(o.proj as ArrayLike<number>) : new Float32Array(1),
    );
    const mp = plan.uniform('combine', [
      { u32: n },
      { u32: d },
      { u32: b },
      { u32: projected ? 2 : o.combine === 'sum' ? 1 : 0 },
      { u32: wx },
      { u32: 0 },
      { u32: 0 },
      { u32: 0 },
    ]);
    plan.add(program('attention-sla-combine', combineCode), [os, ol, alpha, out, mp, W], [wx, wy]);
    return { plan, out, classes, alpha, scores, os, ol, nb };
  } catch (e) {
    plan.destroy();
    throw e;
  }
}

export interface SlaGpuResult {
  out: Float32Array;
  /** nb×nb: 2 critical, 1 marginal, 0 negligible, −1 invisible (causal). */
  classes: Int32Array;
  alpha: Float32Array;
  /** nb×nb pooled scores τ q̄·k̄ (−Infinity where invisible). */
  scores: Float32Array;
  os: Float32Array;
  ol: Float32Array;
}

export async function slaGpu(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: SlaOpts,
): Promise<SlaGpuResult> {
  const p = prepareSla(ctx, q, k, v, o);
  try {
    const enc = ctx.device.createCommandEncoder({ label: 'SLA' });
    p.plan.encode(enc);
    ctx.device.queue.submit([enc.finish()]);
    const out = await readFloat32(ctx.device, p.out, o.n * o.d);
    const classes = new Int32Array((await readUint32(ctx.device, p.classes, p.nb * p.nb)).buffer);
    const alpha = await readFloat32(ctx.device, p.alpha, p.nb);
    const scores = await readFloat32(ctx.device, p.scores, p.nb * p.nb);
    for (let i = 0; i < scores.length; i++) if (classes[i] === -1) scores[i] = Number.NEGATIVE_INFINITY;
    const os = await readFloat32(ctx.device, p.os, o.n * o.d);
    const ol = await readFloat32(ctx.device, p.ol, o.n * o.d);
    return { out, classes, alpha, scores, os, ol };
  } finally {
    p.plan.destroy();
  }
}
