/**
 * Studies "sweep_n" and "sweep_eps": ℓ2 estimation error ‖ŵ − w*‖ over seeded trials against n (log–log)
 * or against the privacy budget ε, with the theoretical rates as guide lines. Rates hide constants, so each
 * guide is C·rate with C fitted (in log space) to the measured means over the upper half of the sweep; the
 * lower bounds reuse the upper bound's C, so the gap between the lines is the gap between the rates.
 * Trial t keeps its w* across the sweep; the design, noise and privatisation are drawn per point.
 */
import { nd } from '../../core/ndarray';
import { randomDesign, responses, sparseWStar } from '../../data/regression-synthetic';
import { Rng } from '../../io/rng';
import { l2Dist } from '../../reference/regression/linalg';
import type { RegressionValues } from '../../spec/regression';
import { breathe, type RunContext, type RunOutput } from '../types';
import { ldpModel, metricTable, SOLVER_TITLES } from './fit';
import { designOf, fitData, wStarOf } from './problem';
import { chooseAlpha, solveSingle } from './solve';
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

interface Rate {
  name: string;
  f: (x: number) => number;
  lower?: boolean;
}

function rates(v: RegressionValues, vsEps: boolean): Rate[] {
  const d = v.d;
  const k = v.s;
  const eps = v.epsilon;
  const n = v.n;
  const ldpOf = (
    upper: (d: number, k: number) => number,
    lower: (d: number, k: number) => number,
    uName: string,
    lName: string,
  ): Rate[] =>
    vsEps
      ? [
          { name: `${uName}/(√n·ε)`, f: (e) => upper(d, k) / (Math.sqrt(n) * e) },
          { name: `lower bound ${lName}/(√n·ε)`, f: (e) => lower(d, k) / (Math.sqrt(n) * e), lower: true },
        ]
      : [
          { name: `${uName}/(√n·ε)`, f: (m) => upper(d, k) / (Math.sqrt(m) * eps) },
          { name: `lower bound ${lName}/(√n·ε)`, f: (m) => lower(d, k) / (Math.sqrt(m) * eps), lower: true },
        ];
  if (v.solver === 'ldp_ni') {
    if (v.publicX)
      return ldpOf(
        (d, k) => Math.sqrt(d * k),
        (d, k) => Math.sqrt(d * k * Math.log(d)),
        '√(dk)',
        '√(dk·log d)',
      );
    return ldpOf(
      (d, k) => d * Math.sqrt(k),
      (d, k) => Math.sqrt(d * k * Math.log(d)),
      'd√k',
      '√(dk·log d)',
    );
  }
  if (v.solver === 'ldp_si')
    return ldpOf(
      (d, k) => k * Math.sqrt(d),
      (d, k) => Math.sqrt(d * k),
      'k√d',
      '√(dk)',
    );
  if (v.solver === 'ridge') return [{ name: 'σ√(d/n)', f: (m) => v.sigma * Math.sqrt(d / m) }];
  return [{ name: 'σ√(s·log d / n)', f: (m) => Math.max(v.sigma, 1e-12) * Math.sqrt((k * Math.log(d)) / m) }];
}

export async function runSweep(v: RegressionValues, ctx: RunContext): Promise<RunOutput> {
  const vsEps = v.study === 'sweep_eps';
  const xs = vsEps
    ? logSpaced(v.epsMin, v.epsMax, v.points, false)
    : logSpaced(v.nMin, v.nMax, v.points, true);
  const T = v.trials;
  const d = v.d;
  const errors: number[][] = xs.map(() => []);
  const isLdp = v.solver === 'ldp_ni' || v.solver === 'ldp_si';
  const title = `${SOLVER_TITLES[v.solver]}: ‖ŵ − w*‖ against ${vsEps ? 'ε' : 'n'} (${T} trials per point)`;
  const t0 = performance.now();
  const total = xs.length * T;
  let doneCount = 0;
  const view = (): SweepView => sweepView(v, xs, errors, vsEps, false);
  let last = performance.now();
  for (let t = 0; t < T; t++) {
    const ts = trialSeed(v.seed, t);
    const { w: wTrue } = sparseWStar(d, wStarOf(v), new Rng(ts, 1));
    for (let i = 0; i < xs.length; i++) {
      const n = vsEps ? v.n : xs[i];
      const pi = vsEps ? 0 : i;
      const X = randomDesign(n, d, designOf(v), new Rng(ts, 10 + 3 * pi));
      const y = responses(X, n, d, wTrue, v.sigma, new Rng(ts, 11 + 3 * pi));
      let coef: Float64Array;
      if (isLdp) {
        const model = ldpModel(v, { n, d, wTrue }, ts);
        coef = solveSingle(v.solver, v, X, y, n, d, {
          ldp: model,
          rngSeed: ts * 31 + i,
          epsilon: vsEps ? xs[i] : v.epsilon,
        }).coef;
      } else {
        const f = fitData({ X, y, n, d }, v.intercept);
        coef = solveSingle(v.solver, v, f.X, f.y, n, d, {
          alpha: chooseAlpha(v, f.X, f.y, n, d, v.sigma),
        }).coef;
      }
      errors[i].push(l2Dist(coef, wTrue));
      doneCount++;
      if (performance.now() - last > 40 || doneCount === total) {
        ctx.progress({
          fraction: doneCount / total,
          stage: `trial ${t + 1} of ${T}, point ${i + 1} of ${xs.length}`,
          partial: {
            kind: 'sweep',
            title,
            sweep: view(),
            table: [],
            notes: [],
          } satisfies RegressionViewsData,
        });
        await breathe(ctx.signal);
        last = performance.now();
      }
    }
  }
  const final = sweepView(v, xs, errors, vsEps, true);
  const stats = meanSpread(errors);
  // Fitted slope of log error against log x: the rate's exponent (−½ for 1/√n, −1 for 1/ε).
  const lx = xs.map(Math.log);
  const ly = stats.map((s) => Math.log(Math.max(s.mean, 1e-300)));
  const half = Math.floor(xs.length / 2);
  const slope = fitSlope(lx.slice(half), ly.slice(half));
  const metrics: Record<string, number> = {
    points: xs.length,
    trials: T,
    d,
    s: v.s,
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
      `Guide lines are C·rate with C fitted to the upper half of the sweep; lower bounds (dashed) reuse that C. Expected slope: ${vsEps ? '−1 in ε' : '−½ in n'}.`,
      ...(isLdp
        ? [
            'LDP estimators: this lab’s reading of arXiv 2310.07367 (truncation, Gaussian mechanism, eigenvalue floor / LDP-IHT); constants are not the paper’s.',
          ]
        : []),
    ],
  };
  return {
    arrays: { x: nd(Float64Array.from(xs), [xs.length]), errors: nd(errArr, [xs.length, T]) },
    metrics,
    timings: { sweep: performance.now() - t0 },
    views: views as unknown as Record<string, unknown>,
  };
}

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
  xs: number[],
  errors: number[][],
  vsEps: boolean,
  withTheory: boolean,
): SweepView {
  const have = errors.map((r) => r.length > 0);
  const stats = meanSpread(errors);
  const measured: CurveSeries = {
    name: `${SOLVER_TITLES[v.solver]} (mean ± sd)`,
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
    for (const r of rates(v, vsEps)) {
      const g = guideLine(
        `${r.lower ? '' : 'rate '}${r.name}`,
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
    note: vsEps ? `n = ${v.n}, d = ${v.d}, s = ${v.s}` : `d = ${v.d}, s = ${v.s}, σ = ${v.sigma}`,
  };
}
