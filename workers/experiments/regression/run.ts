/**
 * Runner for `#/regression`: picks the study (fit / path, CV, error sweeps, phase diagram) and the backend.
 * On WebGPU the heavy parts run on the GPU — FISTA fits and Lasso/enet paths (one large problem, batched
 * mat-vecs) and phase diagrams (thousands of small problems, one workgroup each); everything else runs on
 * the CPU references in both backends. Parity re-runs the CPU reference on the same problem.
 */
import { toFloat64 } from '../../core/ndarray';
import { fista } from '../../reference/regression/fista';
import { maxAbs } from '../../reference/regression/linalg';
import { type RegressionValues, regressionSpec } from '../../spec/regression';
import { defineExperiment, type Parity, type RunContext, type RunOutput } from '../types';
import { runCv } from './cv';
import { runFit } from './fit';
import { runKronSbl } from './kron-sbl';
import { runLdpDK } from './ldp-dk';
import { phaseParity, runPhase } from './phase';
import { buildProblem, fitData } from './problem';
import { runPrecondSweep, runSupports } from './random-support';
import { l1RatioOf } from './solve';
import { runSweep } from './sweeps';

/** Multiply-adds up to which the automatic parity check re-solves on the CPU. */
const AUTO_PARITY_WORK = 3e8;

const usesGpu = (v: RegressionValues) =>
  v.study === 'phase' ||
  (v.study === 'fit' && (v.solver === 'fista' || v.solver === 'lasso_path' || v.solver === 'enet_path'));

export const regressionExperiment = defineExperiment({
  spec: regressionSpec,
  async run(v, ctx) {
    let out: RunOutput;
    if (v.study === 'phase') out = await runPhase(v, ctx);
    else if (v.solver === 'kron_sbl') out = await runKronSbl(v, ctx);
    else if (v.study === 'cv') out = await runCv(v, ctx);
    else if (v.study === 'supports') out = await runSupports(v, ctx);
    else if (v.study === 'sweep_d' || v.study === 'sweep_k') out = await runLdpDK(v, ctx);
    else if (v.study === 'sweep_n' && v.solver === 'precond_lasso') out = await runPrecondSweep(v, ctx);
    else if (v.study === 'sweep_n' || v.study === 'sweep_eps') out = await runSweep(v, ctx);
    else out = await runFit(v, ctx);
    if (ctx.gpu && !usesGpu(v) && !out.parity) {
      out.parity = {
        status: 'not-applicable',
        reason: 'this solver / study runs on the CPU references in both backends',
      };
    }
    return out;
  },
  async parity(v, ctx, out, full) {
    if (!usesGpu(v)) return { status: 'not-applicable', reason: 'computed by the CPU reference' };
    if (v.study === 'phase') return phaseParity(out, v, full);
    return fitParity(v, ctx, out, full);
  },
});

/** GPU FISTA (a fit, or sampled α of a path, warm-started from the GPU's previous α) against CPU FISTA. */
async function fitParity(
  v: RegressionValues,
  ctx: RunContext,
  out: RunOutput,
  full: boolean,
): Promise<Parity> {
  const p = await buildProblem(v, ctx);
  const f = fitData(p, v.intercept);
  const { n, d } = p;
  const l1Ratio = l1RatioOf(v);
  const opts = { tol: v.tol, maxIter: v.maxIter, checkEvery: 10 };
  const iters = out.metrics.iterations ?? v.maxIter;
  if (v.solver === 'fista') {
    if (!full && 2 * n * d * iters > AUTO_PARITY_WORK)
      return { status: 'skipped', reason: 'large problem: use “check parity” for the full CPU re-solve' };
    const gpu = toFloat64(out.arrays.coef);
    const cpu = fista(f.X, f.y, n, d, out.metrics.alpha, l1Ratio, opts).w;
    return summarise(gpu, cpu, 'all');
  }
  const alphas = toFloat64(out.arrays.alphas);
  const coefs = toFloat64(out.arrays.coefs);
  const A = alphas.length;
  let picks = full ? Array.from({ length: A }, (_, a) => a) : [0, Math.floor(A / 2), A - 1];
  const perAlpha = (2 * n * d * iters) / Math.max(A, 1);
  if (!full) picks = picks.filter((_, i) => perAlpha * (i + 1) <= AUTO_PARITY_WORK);
  if (!picks.length)
    return { status: 'skipped', reason: 'large path: use “check parity” to re-solve sampled α on the CPU' };
  // Relative to the largest coefficient on the whole path (the golden cases' criterion): at α_max every
  // coefficient is zero, and a per-α scale would turn float32 dust into a huge relative error.
  const scale = Math.max(maxAbs(coefs), 1e-12);
  let worst = 0;
  for (const a of [...new Set(picks)]) {
    const w0 = a > 0 ? coefs.slice((a - 1) * d, a * d) : new Float64Array(d);
    const cpu = fista(f.X, f.y, n, d, alphas[a], l1Ratio, { ...opts, w0 }).w;
    const gpu = coefs.subarray(a * d, (a + 1) * d);
    worst = Math.max(worst, maxAbs(Array.from(gpu, (g, j) => g - cpu[j])) / scale);
  }
  return {
    status: 'checked',
    maxRelDiff: worst,
    tolerance: TOL,
    ok: worst <= TOL,
    compared: `${new Set(picks).size} of ${A} α (CPU FISTA from the GPU's previous α)`,
  };
}

/** float32 GPU iterates against float64 CPU iterates of the same schedule: max |Δ| / max |w| (over the path). */
const TOL = 5e-3;

function summarise(gpu: ArrayLike<number>, cpu: ArrayLike<number>, compared: string): Parity {
  const diff = maxAbs(Array.from(gpu, (g, j) => g - cpu[j])) / Math.max(maxAbs(cpu), 1e-12);
  return { status: 'checked', maxRelDiff: diff, tolerance: TOL, ok: diff <= TOL, compared };
}
