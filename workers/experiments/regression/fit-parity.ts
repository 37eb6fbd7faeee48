/** The fit study's parity check: GPU FISTA (fits and paths) against CPU coordinate descent. */
import { toFloat64 } from '../../core/ndarray';
import { enetCd, enetObjective, prepareCd } from '../../reference/regression/enet-cd';
import { maxAbs } from '../../reference/regression/linalg';
import type { RegressionValues } from '../../spec/regression';
import { SOLVER_INFO } from '../../spec/regression-methods';
import type { Parity, RunContext, RunOutput } from '../types';
import { buildProblem, fitData } from './problem';
import { l1RatioOf } from './solve';

/** Multiply-adds up to which the automatic parity check re-solves on the CPU. */
const AUTO_PARITY_WORK = 3e8;

/**
 * GPU FISTA (a fit, or sampled α of a path) against the CPU's own solver of the same objective: coordinate
 * descent started cold (w = 0) at each compared α, never from GPU values. The two algorithms stop at the
 * same duality-gap test, so their minimisers agree to about the tolerance; where they differ more (a
 * flat or non-unique minimum), the check passes only if the objective values agree.
 */
export async function fitParity(
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
  const isPath = SOLVER_INFO[v.solver].path;
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
