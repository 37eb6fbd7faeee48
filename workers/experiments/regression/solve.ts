/** Single fits on the CPU references, one entry point for fits, sweeps and CV. */
import { Rng } from '../../io/rng';
import { alphaMax, enetCd, prepareCd, sklearnDualGap } from '../../reference/regression/enet-cd';
import { fista } from '../../reference/regression/fista';
import { htp } from '../../reference/regression/htp';
import { iht } from '../../reference/regression/iht';
import { type LdpScales, ldpNonInteractive, ldpSequential } from '../../reference/regression/ldp';
import { colSqNorms } from '../../reference/regression/linalg';
import { omp } from '../../reference/regression/omp';
import { precondLassoAt } from '../../reference/regression/random-support';
import { ridge } from '../../reference/regression/ridge';
import { sbl } from '../../reference/regression/sbl';
import { effectiveAlphaRule, type RegressionValues, type Solver } from '../../spec/regression';
import { UserError } from '../types';

export interface SingleFit {
  coef: Float64Array;
  metrics: Record<string, number>;
}

export const l1RatioOf = (v: RegressionValues) =>
  v.solver === 'enet' || v.solver === 'enet_path' || v.solver === 'fista' ? v.l1Ratio : 1;

/**
 * α for a single Lasso/enet/FISTA fit: the α field, or (theory rule, the default of error-vs-n sweeps)
 * 2σ√(2 ln d / n)·(rms column norm/√n).
 */
export function chooseAlpha(
  v: RegressionValues,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  sigma: number | null,
): number {
  if (effectiveAlphaRule(v) === 'fixed' || !['lasso', 'enet', 'fista'].includes(v.solver)) return v.alpha;
  if (sigma === null || sigma === 0) return 1e-3 * alphaMax(X, y, n, d, l1RatioOf(v));
  const cs = colSqNorms(X, n, d);
  let mean = 0;
  for (const c of cs) mean += c;
  const colScale = Math.sqrt(mean / d / n);
  return 2 * sigma * Math.sqrt((2 * Math.log(Math.max(d, 2))) / n) * colScale;
}

export interface LdpModel {
  /** Standard deviation of each x_j and of y under the generating model. */
  stdX: number;
  stdY: number;
  /** ‖w*‖ bound given to the interactive estimator (the ℓ2 ball it projects onto). */
  radius: number;
  publicX: { X: Float64Array; m: number } | null;
}

export function ldpScales(v: RegressionValues, n: number, m: LdpModel, epsilon = v.epsilon): LdpScales {
  const c = v.clip > 0 ? v.clip : Math.sqrt(2 * Math.log(Math.max(n, 2)));
  return { tauX: c * m.stdX, tauY: c * m.stdY, epsilon, delta: v.delta };
}

export function solveSingle(
  solver: Solver,
  v: RegressionValues,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  extra: { alpha?: number; ldp?: LdpModel; rngSeed?: number; epsilon?: number } = {},
): SingleFit {
  switch (solver) {
    case 'lasso':
    case 'enet': {
      const alpha = extra.alpha ?? v.alpha;
      const r = enetCd(prepareCd(X, y, n, d), alpha, l1RatioOf(v), new Float64Array(d), {
        tol: v.tol,
        maxIter: v.maxIter,
      });
      return {
        coef: r.w,
        metrics: {
          alpha,
          iterations: r.iterations,
          gap: sklearnDualGap(r.gap, n),
          converged: r.converged ? 1 : 0,
        },
      };
    }
    case 'fista': {
      const alpha = extra.alpha ?? v.alpha;
      const r = fista(X, y, n, d, alpha, l1RatioOf(v), { tol: v.tol, maxIter: v.maxIter });
      return {
        coef: r.w,
        metrics: {
          alpha,
          iterations: r.iterations,
          gap: sklearnDualGap(r.gap, n),
          converged: r.converged ? 1 : 0,
          restarts: r.restarts,
          lipschitz: r.L,
        },
      };
    }
    case 'omp': {
      const r = omp(X, y, n, d, v.k, v.residTol);
      return { coef: r.coef, metrics: { atoms: r.order.length, residual_sq: r.residualSq } };
    }
    case 'iht': {
      const r = iht(X, y, n, d, Math.min(v.k, d), { tol: v.tol, maxIter: v.maxIter });
      return { coef: r.coef, metrics: { iterations: r.iterations } };
    }
    case 'htp': {
      const r = htp(X, y, n, d, v.k, { maxIter: Math.min(v.maxIter, 1000) });
      return { coef: r.coef, metrics: { iterations: r.iterations } };
    }
    case 'sbl': {
      if (d > 1500)
        throw new UserError(
          'd: sparse Bayesian learning here takes d ≤ 1500 (its E-step is cubic in the active set)',
        );
      const r = sbl(X, y, n, d, { tol: Math.min(v.tol, 1e-6), maxIter: v.maxIter, update: v.sblUpdate });
      return {
        coef: r.coef,
        metrics: { iterations: r.iterations, noise_var: r.sigma2, active: r.active.length },
      };
    }
    case 'ridge': {
      if (Math.min(n, d) > 4000)
        throw new UserError('ridge here solves a min(n, d)² system; keep min(n, d) ≤ 4000');
      const r = ridge(X, y, n, d, extra.alpha ?? v.alpha);
      return { coef: r.coef, metrics: { alpha: extra.alpha ?? v.alpha, jitter: r.jitter } };
    }
    case 'precond_lasso': {
      if (d > 600)
        throw new UserError(
          'd: the preconditioned Lasso takes d ≤ 600 (a d×d eigendecomposition on the CPU)',
        );
      const alpha = extra.alpha ?? v.alpha;
      const r = precondLassoAt(X, y, n, d, alpha);
      return { coef: r.w, metrics: { alpha, atoms: r.atoms, bands: r.bands, lars_knots: r.knots } };
    }
    case 'ldp_ni':
    case 'ldp_si': {
      const m = extra.ldp;
      if (!m) throw new Error('LDP solvers need the generating model');
      const s = ldpScales(v, n, m, extra.epsilon ?? v.epsilon);
      const rng = new Rng(extra.rngSeed ?? v.seed, 7);
      const k = Math.min(v.k, d);
      const r =
        solver === 'ldp_ni'
          ? ldpNonInteractive(X, y, n, d, k, s, rng, { publicX: v.publicX ? m.publicX : null })
          : ldpSequential(X, y, n, d, k, s, rng, { radius: m.radius });
      return {
        coef: r.coef,
        metrics: {
          epsilon: s.epsilon,
          tau_x: s.tauX,
          tau_y: s.tauY,
          sigma_xx: r.sigmaXX,
          sigma_xy: r.sigmaXY,
          floored_eigenvalues: r.floored,
          rounds: r.rounds,
          per_user_noise: r.perUser ? 1 : 0,
        },
      };
    }
    default:
      throw new UserError(`solver: ${solver} is a path solver, not a single fit`);
  }
}
