/**
 * Studies "sweep_n" and "sweep_eps": ℓ2 estimation error ‖ŵ − w*‖ over seeded trials against n (log–log)
 * or against the privacy budget ε, with the theoretical rates as guide lines. Rates hide constants, so each
 * guide is C·rate with C fitted (in log space) to the measured means over the upper half of the sweep; the
 * lower bounds reuse the upper bound's C, so the gap between the lines is the gap between the rates.
 *
 * Against n, trial t keeps its w* and draws the design, noise and privatisation per point; the Lasso
 * family uses the theory rule α ∝ σ√(log d / n) unless the α rule says "fixed" (see effectiveAlphaRule).
 * Against ε, trial t keeps its whole data set (the sweep's own epsN × epsD problem with s = epsS) and
 * the same standard-normal privacy noise at every ε, scaled by that ε's Gaussian-mechanism σ (common
 * random numbers): each point still has exactly its own distribution, and the curve's shape shows
 * the effect of ε rather than trial-to-trial noise. Each user's noise is summed in one draw of √n·σ,
 * which is the same distribution as n separate draws.
 */
import { nd } from '../../core/ndarray';
import { randomDesign, responses, sparseWStar } from '../../data/regression-synthetic';
import { Rng } from '../../io/rng';
import { ldpNonInteractive, ldpSequential, type NiSums, niClippedSums } from '../../reference/regression/ldp';
import { l2Dist } from '../../reference/regression/linalg';
import { effectiveAlphaRule, type RegressionValues, regressionSpec } from '../../spec/regression';
import { SOLVER_INFO, STUDY_INFO, solverUses } from '../../spec/regression-methods';
import { breathe, UserError } from '../types';
import { ldpModel, metricTable } from './fit';
import { designOf, fitData, wStarOf } from './problem';
import { chooseAlpha, ldpScales, type SingleFitFn } from './solve';
import type { EpsEstimator, Rate, SolverImpl, StudyRunner } from './solver-impl';
import { type CurveSeries, guideLine, meanSpread, type RegressionViewsData, type SweepView } from './views';

export function logSpaced(lo: number, hi: number, count: number, integer: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / Math.max(count - 1, 1));
    const v = integer ? Math.round(x) : x;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

const trialSeed = (seed: number, t: number) => (seed + 1000003 * t) % 2147483647;

/** The problem size a sweep runs at: the ε sweep has its own (users, features, nonzeros). */
export function sweepSize(v: RegressionValues): { n: number; d: number; s: number } {
  return STUDY_INFO[v.study].axis === 'eps'
    ? { n: v.epsN, d: v.epsD, s: v.epsS }
    : { n: v.n, d: v.d, s: v.s };
}

/**
 * Guide lines of an LDP estimator, from the paper's abstract (arXiv 2310.07367; docs/methods.md#ldp-estimators):
 * an upper rate and a lower bound, both over √n·ε.
 */
function ldpRates(
  v: RegressionValues,
  vsEps: boolean,
  upper: (d: number, k: number) => number,
  lower: (d: number, k: number) => number,
  uName: string,
  lName: string,
): Rate[] {
  const { n, d, s: k } = sweepSize(v);
  const eps = v.epsilon;
  return vsEps
    ? [
        { name: `paper’s rate ${uName}/(√n·ε)`, f: (e) => upper(d, k) / (Math.sqrt(n) * e) },
        {
          name: `paper’s lower bound ${lName}/(√n·ε)`,
          f: (e) => lower(d, k) / (Math.sqrt(n) * e),
          lower: true,
        },
      ]
    : [
        { name: `paper’s rate ${uName}/(√n·ε)`, f: (m) => upper(d, k) / (Math.sqrt(m) * eps) },
        {
          name: `paper’s lower bound ${lName}/(√n·ε)`,
          f: (m) => lower(d, k) / (Math.sqrt(m) * eps),
          lower: true,
        },
      ];
}

/**
 * Non-interactive LDP: d√k against √(dk·log d). With public x's only the upper bound √(dk) is stated (the
 * NLDP lower bound is proved without public data, so it is not drawn).
 */
export const ldpNiRates = (v: RegressionValues, vsEps: boolean): Rate[] =>
  v.publicX
    ? ldpRates(
        v,
        vsEps,
        (d, k) => Math.sqrt(d * k),
        () => 0,
        '√(dk)',
        '',
      ).filter((r) => !r.lower)
    : ldpRates(
        v,
        vsEps,
        (d, k) => d * Math.sqrt(k),
        (d, k) => Math.sqrt(d * k * Math.log(d)),
        'd√k',
        '√(dk·log d)',
      );

/** Sequentially interactive LDP (LDP-IHT): k√d against √(dk). */
export const ldpSiRates = (v: RegressionValues, vsEps: boolean): Rate[] =>
  ldpRates(
    v,
    vsEps,
    (d, k) => k * Math.sqrt(d),
    (d, k) => Math.sqrt(d * k),
    'k√d',
    '√(dk)',
  );

/** Least squares / ridge: σ√(d/n). */
export const ridgeRates = (v: RegressionValues): Rate[] => {
  const { d } = sweepSize(v);
  return [{ name: 'rate σ√(d/n)', f: (m) => v.sigma * Math.sqrt(d / m) }];
};

/** The sparse estimators' classical rate σ√(s·log d / n). */
export const sparseRates = (v: RegressionValues): Rate[] => {
  const { d, s: k } = sweepSize(v);
  return [
    { name: 'rate σ√(s·log d / n)', f: (m) => Math.max(v.sigma, 1e-12) * Math.sqrt((k * Math.log(d)) / m) },
  ];
};

/** Non-interactive LDP over ε: the clipped sums do not depend on ε, so they are computed once per trial. */
export const ldpNiEps: EpsEstimator = (v, { X, y, n, d, k, model }) => {
  const publicX = v.publicX ? model.publicX : null;
  let sums: NiSums | undefined;
  return (s, rng) => {
    sums ??= niClippedSums(X, y, n, d, s.tauX, s.tauY, publicX === null);
    return ldpNonInteractive(X, y, n, d, k, s, rng, { publicX, sums }).coef;
  };
};

/** LDP-IHT over ε (the users' noise summed in one draw per round). */
export const ldpSiEps: EpsEstimator = (_v, { X, y, n, d, k, model }) => {
  return (s, rng) => ldpSequential(X, y, n, d, k, s, rng, { radius: model.radius, perUser: false }).coef;
};

/** What in an LDP sweep is the paper's and what is this lab's reading of it. */
export const LDP_READING =
  'The estimators’ details (truncation at τ, Gaussian mechanism σ = Δ₂√(2 ln(1.25/δ))/ε, the ε/2 + ε/2 budget split, eigenvalue floor and top-k on the non-interactive server; LDP-IHT with T = ⌈ln n⌉ rounds, k′ = 2k, step 0.5 and ℓ2-ball radius 2·amp·√s for the interactive one) and all their constants are this lab’s reading of arXiv 2310.07367, not checked against the paper. Only the rates of the guide lines are the paper’s (from its abstract), each drawn with a fitted constant C.';

/** Whether the solver follows the α rule (the Lasso family: theory α in error-vs-n sweeps). */
const hasAlphaRule = (v: RegressionValues) => solverUses(v.solver, 'alphaRule');

/** How the sweep chose α, for titles and notes (null when the solver has no α). */
function alphaLabel(v: RegressionValues): string | null {
  if (!hasAlphaRule(v)) return solverUses(v.solver, 'alpha') ? `α = ${v.alpha}` : null;
  return effectiveAlphaRule(v) === 'theory' ? 'α = 2σ√(2 log d / n), theory rule' : `fixed α = ${v.alpha}`;
}

export const runSweep: StudyRunner = async (v, ctx, solver) => {
  const vsEps = STUDY_INFO[v.study].axis === 'eps';
  const xs = vsEps
    ? logSpaced(v.epsMin, v.epsMax, v.points, false)
    : logSpaced(v.nMin, v.nMax, v.points, true);
  const T = v.trials;
  const size = sweepSize(v);
  const d = size.d;
  const wOpts = { ...wStarOf(v), s: size.s };
  const errors: number[][] = xs.map(() => []);
  const isLdp = SOLVER_INFO[v.solver].ldp;
  const single: SingleFitFn =
    solver.single ??
    (() => {
      throw new UserError(`solver: ${v.solver} is a path solver, not a single fit`);
    });
  const aLabel = alphaLabel(v);
  const title = `${SOLVER_INFO[v.solver].title}${aLabel ? ` (${aLabel})` : ''}: ‖ŵ − w*‖ against ${vsEps ? 'ε' : 'n'} (${T} trials per point)`;
  const t0 = performance.now();
  const total = xs.length * T;
  let doneCount = 0;
  const view = (): SweepView => sweepView(v, solver, xs, errors, vsEps, false);
  let last = performance.now();
  const report = async (t: number, i: number) => {
    doneCount++;
    if (performance.now() - last > 40 || doneCount === total) {
      ctx.progress({
        fraction: doneCount / total,
        stage: `trial ${t + 1} of ${T}, point ${i + 1} of ${xs.length}`,
        partial: { kind: 'sweep', title, sweep: view(), table: [], notes: [] } satisfies RegressionViewsData,
      });
      await breathe(ctx.signal);
      last = performance.now();
    }
  };
  for (let t = 0; t < T; t++) {
    const ts = trialSeed(v.seed, t);
    const { w: wTrue } = sparseWStar(d, wOpts, new Rng(ts, 1));
    if (vsEps) {
      // One data set per trial; only the privacy budget changes along the sweep.
      const n = size.n;
      const X = randomDesign(n, d, designOf(v), new Rng(ts, 10));
      const y = responses(X, n, d, wTrue, v.sigma, new Rng(ts, 11));
      await breathe(ctx.signal);
      const model = ldpModel(v, { n, d, wTrue, s: size.s }, ts);
      const k = Math.min(size.s, d);
      if (!solver.eps) throw new UserError(`solver: ${v.solver} has no error-vs-ε sweep`);
      const estimate = solver.eps(v, { X, y, n, d, k, model });
      for (let i = 0; i < xs.length; i++) {
        const s = ldpScales(v, n, model, xs[i]);
        // Common random numbers: the same stream at every ε (see the header).
        const rng = new Rng(ts * 31, 7);
        const coef = estimate(s, rng);
        errors[i].push(l2Dist(coef, wTrue));
        await report(t, i);
      }
      continue;
    }
    for (let i = 0; i < xs.length; i++) {
      const n = xs[i];
      const X = randomDesign(n, d, designOf(v), new Rng(ts, 10 + 3 * i));
      const y = responses(X, n, d, wTrue, v.sigma, new Rng(ts, 11 + 3 * i));
      let coef: Float64Array;
      if (isLdp) {
        const model = ldpModel(v, { n, d, wTrue }, ts);
        coef = single(v, X, y, n, d, { ldp: model, rngSeed: ts * 31 + i }).coef;
      } else {
        const f = fitData({ X, y, n, d }, v.intercept);
        coef = single(v, f.X, f.y, n, d, {
          alpha: chooseAlpha(v, f.X, f.y, n, d, v.sigma),
        }).coef;
      }
      errors[i].push(l2Dist(coef, wTrue));
      await report(t, i);
    }
  }
  const final = sweepView(v, solver, xs, errors, vsEps, true);
  const stats = meanSpread(errors);
  // Fitted slope of log error against log x: the rate's exponent (−½ for 1/√n, −1 for 1/ε).
  const lx = xs.map(Math.log);
  const ly = stats.map((s) => Math.log(Math.max(s.mean, 1e-300)));
  const half = Math.floor(xs.length / 2);
  const slope = fitSlope(lx.slice(half), ly.slice(half));
  const metrics: Record<string, number> = {
    points: xs.length,
    trials: T,
    ...(vsEps ? { n: size.n } : {}),
    d,
    s: size.s,
    ...(hasAlphaRule(v) ? { theory_alpha: effectiveAlphaRule(v) === 'theory' ? 1 : 0 } : {}),
    fitted_slope_upper_half: slope,
    first_mean_error: stats[0].mean,
    last_mean_error: stats[stats.length - 1].mean,
  };
  const errArr = new Float64Array(xs.length * T);
  errors.forEach((row, i) => {
    errArr.set(row, i * T);
  });
  const views: RegressionViewsData = {
    kind: 'sweep',
    title,
    sweep: final,
    table: metricTable(metrics),
    notes: [
      `Guide lines are C·rate with C fitted to the upper half of the sweep; lower bounds (dashed) reuse that C. Expected slope: ${vsEps ? '−1 in ε' : '−½ in n'}; fitted over the upper half: ${slope.toFixed(2)}.`,
      ...(aLabel && hasAlphaRule(v)
        ? [
            effectiveAlphaRule(v) === 'theory'
              ? 'α follows the theory rule α = 2σ√(2 log d / n) at every n, so the error can follow √(s log d / n).'
              : `α is fixed at ${v.alpha}: once n is large its bias dominates and the error levels off (choose the α rule “auto” or “theory” to see the rate).`,
          ]
        : []),
      ...(vsEps &&
      (v.n !== regressionSpec.defaults.n ||
        v.d !== regressionSpec.defaults.d ||
        v.s !== regressionSpec.defaults.s)
        ? [
            `The error-vs-ε sweep runs at its own size (epsN = ${size.n} users, epsD = ${size.d}, epsS = ${size.s}); the n, d and s fields are not used here.`,
          ]
        : []),
      ...(vsEps
        ? [
            'Against ε each trial keeps its data and its standard-normal privacy noise, scaled by each ε’s Gaussian-mechanism σ (common random numbers). Where the noise swamps the signal (small ε, or too few users) the curve leaves the 1/ε line: the non-interactive estimate shrinks towards 0 (error → ‖w*‖) and LDP-IHT’s iterate wanders in its ℓ2 ball (error up to about 3‖w*‖).',
          ]
        : []),
    ],
  };
  return {
    arrays: { x: nd(Float64Array.from(xs), [xs.length]), errors: nd(errArr, [xs.length, T]) },
    metrics,
    timings: { sweep: performance.now() - t0 },
    views,
  };
};

export function fitSlope(x: number[], y: number[]): number {
  const m = x.length;
  if (m < 2) return Number.NaN;
  const mx = x.reduce((a, b) => a + b, 0) / m;
  const my = y.reduce((a, b) => a + b, 0) / m;
  let num = 0;
  let den = 0;
  for (let i = 0; i < m; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return den > 0 ? num / den : Number.NaN;
}

function sweepView(
  v: RegressionValues,
  solver: SolverImpl,
  xs: number[],
  errors: number[][],
  vsEps: boolean,
  withTheory: boolean,
): SweepView {
  const size = sweepSize(v);
  const have = errors.map((r) => r.length > 0);
  const stats = meanSpread(errors);
  const measured: CurveSeries = {
    name: `${SOLVER_INFO[v.solver].title} (mean ± sd)`,
    markers: true,
    points: xs
      .map((x, i) => ({
        x,
        y: stats[i].mean,
        lo: Math.max(stats[i].mean - stats[i].sd, 1e-300),
        hi: stats[i].mean + stats[i].sd,
      }))
      .filter((_, i) => have[i]),
  };
  const theory: CurveSeries[] = [];
  if (withTheory) {
    const half = Math.floor(xs.length / 2);
    const means = stats.map((s) => s.mean);
    let C: number | undefined;
    for (const r of solver.rates(v, vsEps)) {
      const g = guideLine(
        `${r.name} (C fitted)`,
        xs.slice(half),
        r.f,
        means.slice(half),
        r.lower === true,
        r.lower ? C : undefined,
      );
      if (!r.lower) C = g.C;
      theory.push({ ...g.series, points: xs.map((x) => ({ x, y: g.C * r.f(x) })) });
    }
  }
  return {
    xLabel: vsEps ? 'privacy ε' : 'samples n',
    yLabel: '‖ŵ − w*‖₂',
    series: [measured],
    theory,
    note: vsEps
      ? `n = ${size.n} users, d = ${size.d}, s = k = ${size.s}, σ = ${v.sigma}, truncation τ = ${v.clip > 0 ? `${v.clip} std` : '√(2 ln n) std'}, δ = ${v.delta}`
      : `d = ${size.d}, s = ${size.s}, σ = ${v.sigma}${alphaLabel(v) ? `, ${alphaLabel(v)}` : ''}`,
    reading: SOLVER_INFO[v.solver].ldp ? LDP_READING : undefined,
  };
}
