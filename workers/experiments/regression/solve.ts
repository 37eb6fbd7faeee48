/**
 * Single fits on the CPU references, one function per solver (the registry's solver table maps ids to
 * them), and the α and LDP-scale helpers the studies share.
 */
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
import { effectiveAlphaRule, type RegressionValues } from '../../spec/regression';
import { l1RatioFor, solverUses } from '../../spec/regression-methods';
import { UserError } from '../types';

export interface SingleFit {
  coef: Float64Array;
  metrics: Record<string, number>;
}

/** The elastic-net mix of the chosen solver: its l1Ratio, or 1 (the Lasso) when it takes none. */
export const l1RatioOf = (v: RegressionValues) => l1RatioFor(v.solver, v.l1Ratio);

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
  if (effectiveAlphaRule(v) === 'fixed' || !solverUses(v.solver, 'alphaRule')) return v.alpha;
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

/** Options a single fit may take from its study (α chosen by the study, the LDP model, a trial's seed). */
export interface SingleFitExtra {
  alpha?: number;
  ldp?: LdpModel;
  rngSeed?: number;
  epsilon?: number;
}

/** One fit of one solver on the CPU reference (an entry of the registry's solver table). */
export type SingleFitFn = (
  v: RegressionValues,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  extra: SingleFitExtra,
) => SingleFit;

/** Lasso / elastic net by coordinate descent (scikit-learn's objective). */
export const cdSingle: SingleFitFn = (v, X, y, n, d, extra) => {
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
};

export const fistaSingle: SingleFitFn = (v, X, y, n, d, extra) => {
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
};

export const ompSingle: SingleFitFn = (v, X, y, n, d) => {
  const r = omp(X, y, n, d, v.k, v.residTol);
  return { coef: r.coef, metrics: { atoms: r.order.length, residual_sq: r.residualSq } };
};

export const ihtSingle: SingleFitFn = (v, X, y, n, d) => {
  const r = iht(X, y, n, d, Math.min(v.k, d), { tol: v.tol, maxIter: v.maxIter });
  return { coef: r.coef, metrics: { iterations: r.iterations } };
};

export const htpSingle: SingleFitFn = (v, X, y, n, d) => {
  const r = htp(X, y, n, d, v.k, { maxIter: Math.min(v.maxIter, 1000) });
  return { coef: r.coef, metrics: { iterations: r.iterations } };
};

export const sblSingle: SingleFitFn = (v, X, y, n, d) => {
  if (d > 1500)
    throw new UserError(
      'd: sparse Bayesian learning here takes d ≤ 1500 (its E-step is cubic in the active set)',
    );
  const r = sbl(X, y, n, d, { tol: Math.min(v.tol, 1e-6), maxIter: v.maxIter, update: v.sblUpdate });
  return {
    coef: r.coef,
    metrics: { iterations: r.iterations, noise_var: r.sigma2, active: r.active.length },
  };
};

export const ridgeSingle: SingleFitFn = (v, X, y, n, d, extra) => {
  if (Math.min(n, d) > 4000)
    throw new UserError('ridge here solves a min(n, d)² system; keep min(n, d) ≤ 4000');
  const r = ridge(X, y, n, d, extra.alpha ?? v.alpha);
  return { coef: r.coef, metrics: { alpha: extra.alpha ?? v.alpha, jitter: r.jitter } };
};

export const precondSingle: SingleFitFn = (v, X, y, n, d, extra) => {
  if (d > 600)
    throw new UserError('d: the preconditioned Lasso takes d ≤ 600 (a d×d eigendecomposition on the CPU)');
  const alpha = extra.alpha ?? v.alpha;
  const r = precondLassoAt(X, y, n, d, alpha);
  return { coef: r.w, metrics: { alpha, atoms: r.atoms, bands: r.bands, lars_knots: r.knots } };
};

/** An LDP estimator on privatised data: `estimate` is the non-interactive or the interactive one. */
function ldpSingle(
  estimate: (
    v: RegressionValues,
    X: Float64Array,
    y: Float64Array,
    n: number,
    d: number,
    k: number,
    s: LdpScales,
    rng: Rng,
    m: LdpModel,
  ) => LdpResult,
): SingleFitFn {
  return (v, X, y, n, d, extra) => {
    const m = extra.ldp;
    if (!m) throw new Error('LDP solvers need the generating model');
    const s = ldpScales(v, n, m, extra.epsilon ?? v.epsilon);
    const rng = new Rng(extra.rngSeed ?? v.seed, 7);
    const k = Math.min(v.k, d);
    const r = estimate(v, X, y, n, d, k, s, rng, m);
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
  };
}

type LdpResult = ReturnType<typeof ldpNonInteractive>;

export const ldpNiSingle = ldpSingle((v, X, y, n, d, k, s, rng, m) =>
  ldpNonInteractive(X, y, n, d, k, s, rng, { publicX: v.publicX ? m.publicX : null }),
);
export const ldpSiSingle = ldpSingle((_v, X, y, n, d, k, s, rng, m) =>
  ldpSequential(X, y, n, d, k, s, rng, { radius: m.radius }),
);
