/**
 * Runner for `#/regression`: picks the study (fit / path, CV, error sweeps, phase diagram) and the backend.
 * On WebGPU the heavy parts run on the GPU — FISTA fits and Lasso/enet paths (one large problem, batched
 * mat-vecs) and phase diagrams (thousands of small problems, one workgroup each); everything else runs on
 * the CPU references in both backends. Parity re-runs the CPU reference on the same problem.
 */
import { toFloat64 } from '../../core/ndarray';
import { enetCd, enetObjective, prepareCd } from '../../reference/regression/enet-cd';
import { maxAbs } from '../../reference/regression/linalg';
import { type RegressionValues, regressionSpec } from '../../spec/regression';
import {
  defineExperiment,
  type Parity,
  type RunContext,
  type RunOutput,
  type StageRecord,
  stage,
} from '../types';
import { runCv } from './cv';
import { runFit, SOLVER_TITLES } from './fit';
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
    out.stages = regressionStages(v, ctx.gpu !== null);
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

/** What a regression run computes where: the GPU paths are FISTA fits/paths and the phase diagram. */
export function regressionStages(v: RegressionValues, gpu: boolean): StageRecord[] {
  const cpuNote = (what: string) => (gpu ? `${what} has no GPU path` : undefined);
  const metrics = stage('metrics', 'cpu', 'errors, support recovery and the views');
  const solverName = SOLVER_TITLES[v.solver];
  if (v.study === 'phase') {
    const alg = v.solver === 'omp' ? 'OMP' : 'Lasso by FISTA at α = ratio·α_max';
    return [
      gpu
        ? stage('generate + solve', 'webgpu', `${alg}, every problem of a batch in one dispatch`)
        : stage('generate + solve', 'cpu', `${alg}, one problem at a time`),
      metrics,
    ];
  }
  if (v.study === 'cv') {
    const alg = `${v.folds}-fold coordinate-descent paths (warm starts)`;
    return [stage('solve', 'cpu', alg, cpuNote('cross-validation')), metrics];
  }
  if (v.study === 'supports')
    return [
      stage(
        'certificate + solves',
        'cpu',
        'ρ_D(S) by ADMM, Lasso and the preconditioned Lasso',
        cpuNote('the support study'),
      ),
      metrics,
    ];
  if (v.study === 'sweep_d' || v.study === 'sweep_k')
    return [
      stage('solve', 'cpu', 'the three LDP estimators per trial and point', cpuNote('the LDP sweep')),
      metrics,
    ];
  if (v.study === 'sweep_n' || v.study === 'sweep_eps') {
    return [stage('solve', 'cpu', `${solverName} per trial and point`, cpuNote('the error sweep')), metrics];
  }
  if (v.solver === 'lasso_path' || v.solver === 'enet_path') {
    return [
      gpu
        ? stage('path', 'webgpu', 'FISTA (warm starts along α)')
        : stage('path', 'cpu', 'coordinate descent (warm starts along α)'),
      metrics,
    ];
  }
  if (v.solver === 'fista')
    return [gpu ? stage('solve', 'webgpu', 'FISTA') : stage('solve', 'cpu', 'FISTA'), metrics];
  const alg = v.solver === 'lars_lasso' ? 'LARS-lasso (exact breakpoints)' : solverName;
  return [stage(v.solver === 'lars_lasso' ? 'path' : 'solve', 'cpu', alg, cpuNote(alg)), metrics];
}

/**
 * GPU FISTA (a fit, or sampled α of a path) against the CPU's own solver of the same objective: coordinate
 * descent started cold (w = 0) at each compared α, never from GPU values. The two algorithms stop at the
 * same duality-gap test, so their minimisers agree to about the tolerance; where they differ more (a
 * flat or non-unique minimum), the check passes only if the objective values agree.
 */
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
  const iters = out.metrics.iterations ?? v.maxIter;
  const isPath = v.solver !== 'fista';
  const alphas = isPath ? toFloat64(out.arrays.alphas) : Float64Array.of(out.metrics.alpha);
  const coefs = toFloat64(isPath ? out.arrays.coefs : out.arrays.coef);
  const A = alphas.length;
  let picks = full || !isPath ? Array.from({ length: A }, (_, a) => a) : [0, Math.floor(A / 2), A - 1];
  const perAlpha = (2 * n * d * iters) / Math.max(A, 1);
  if (!full) picks = picks.filter((_, i) => perAlpha * (i + 1) <= AUTO_PARITY_WORK);
  if (!picks.length)
    return {
      status: 'skipped',
      reason: isPath
        ? 'large path: use “check parity” to re-solve sampled α on the CPU'
        : 'large problem: use “check parity” for the full CPU re-solve',
    };
  picks = [...new Set(picks)];
  // Relative to the largest coefficient on the whole path (the golden cases' criterion): at α_max every
  // coefficient is zero, and a per-α scale would turn float32 dust into a huge relative error.
  const scale = Math.max(maxAbs(coefs), 1e-12);
  const prob = prepareCd(f.X, f.y, n, d);
  let worst = 0;
  let worstObj = 0;
  let objOk = true;
  // Both solvers stop at an n-scaled duality gap below tol·‖y‖², so each objective is within tol·‖y‖²/n
  // of the minimum: two such solutions differ by at most twice that (plus float32 rounding).
  const objBound = (2 * v.tol * prob.yNormSq) / n;
  for (const a of picks) {
    const cpu = enetCd(prob, alphas[a], l1Ratio, new Float64Array(d), { tol: v.tol, maxIter: v.maxIter }).w;
    const gpu = coefs.subarray(a * d, (a + 1) * d);
    worst = Math.max(worst, maxAbs(Array.from(gpu, (g, j) => g - cpu[j])) / scale);
    const pCpu = enetObjective(f.X, f.y, n, d, cpu, alphas[a], l1Ratio);
    const pGpu = enetObjective(f.X, f.y, n, d, gpu, alphas[a], l1Ratio);
    worstObj = Math.max(worstObj, (pGpu - pCpu) / Math.max(Math.abs(pCpu), 1e-300));
    if (pGpu - pCpu > objBound + 1e-6 * Math.abs(pCpu)) objOk = false;
  }
  const coefOk = worst <= TOL;
  const what = isPath ? `${picks.length} of ${A} α` : 'the fit';
  return {
    status: 'checked',
    maxRelDiff: worst,
    tolerance: TOL,
    ok: coefOk || objOk,
    objectiveGap: worstObj,
    compared: `${what} (CPU coordinate descent from w = 0)`,
    details: [
      `objective gap (P(w_gpu) − P(w_cpu)) / P(w_cpu) = ${worstObj.toExponential(2)}; both within tol·‖y‖²/n of the minimum allows ${objBound.toExponential(2)} absolute`,
      ...(coefOk
        ? []
        : [
            objOk
              ? 'the minimisers differ by more than the tolerance but the objectives agree: a flat or non-unique minimum'
              : 'the GPU solution is neither close to the CPU minimiser nor as good in objective',
          ]),
    ],
  };
}

/** GPU FISTA (float32) against CPU coordinate descent (float64): max |Δw| / max |w| (over the path). */
const TOL = 5e-3;
