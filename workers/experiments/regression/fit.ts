/**
 * Study "fit": one solver on one problem — a single fit, or a whole path (CD, FISTA on the GPU, or LARS).
 * runSingleFit / runPathFit are the study; the registry gives each solver its solve (cdFit, fistaFit,
 * cpuFit(single), larsPath, enetPath).
 */
import { type NdArray, nd } from '../../core/ndarray';
import { randomDesign } from '../../data/regression-synthetic';
import { checkFits } from '../../gpu/device';
import { Rng } from '../../io/rng';
import { FistaGpu } from '../../kernels/regression/fista';
import {
  alphaGrid,
  alphaMax,
  cdScreen,
  enetCd,
  prepareCd,
  sklearnDualGap,
} from '../../reference/regression/enet-cd';
import { larsLasso } from '../../reference/regression/lars';
import { interceptOf, l2Dist, sqNorm } from '../../reference/regression/linalg';
import type { RegressionValues } from '../../spec/regression';
import { SOLVER_INFO, solverUses } from '../../spec/regression-methods';
import { breathe, type RunContext, type RunOutput, UserError } from '../types';
import { buildProblem, designOf, fitData, type RegressionProblem } from './problem';
import {
  cdSingle,
  chooseAlpha,
  fistaSingle,
  type LdpModel,
  l1RatioOf,
  type SingleFit,
  type SingleFitFn,
} from './solve';
import { pathView, type RegressionViewsData, stemView, supportCounts } from './views';

/** The chart title's note on which algorithm solved it, when that differs by backend. */
export function algorithmNote(v: RegressionValues, gpu: boolean): string {
  const note = SOLVER_INFO[v.solver].backendNote;
  return note ? (gpu ? note.webgpu : note.cpu) : '';
}

export function ldpModel(
  v: RegressionValues,
  p: { n: number; d: number; wTrue: Float64Array | null; s?: number },
  seed = v.seed,
): LdpModel {
  const w = p.wTrue ?? new Float64Array(p.d);
  let quad = 0;
  if (v.design === 'toeplitz') {
    for (let i = 0; i < p.d; i++) {
      if (w[i] === 0) continue;
      for (let j = 0; j < p.d; j++) if (w[j] !== 0) quad += w[i] * w[j] * v.rho ** Math.abs(i - j);
    }
  } else quad = sqNorm(w);
  const colStd = v.normalize ? 1 / Math.sqrt(p.n) : 1;
  const stdY = Math.sqrt(quad * colStd * colStd + v.sigma * v.sigma);
  const publicX =
    solverUses(v.solver, 'publicX') && v.publicX
      ? { X: randomDesign(p.n, p.d, designOf(v), new Rng(seed, 3)), m: p.n }
      : null;
  return { stdX: colStd, stdY: Math.max(stdY, 1e-12), radius: 2 * v.amp * Math.sqrt(p.s ?? v.s), publicX };
}

function errorMetrics(coef: ArrayLike<number>, p: RegressionProblem): Record<string, number> {
  if (!p.wTrue) return {};
  const err = l2Dist(coef, p.wTrue);
  const { tp, fp, miss } = supportCounts(coef, p.wTrue);
  return {
    l2_error: err,
    rel_error: err / Math.max(Math.sqrt(sqNorm(p.wTrue)), 1e-300),
    tp,
    fp,
    misses: miss,
  };
}

function predictionMse(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  coef: ArrayLike<number>,
  b: number,
): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    let f = b;
    for (let j = 0; j < d; j++) f += X[i * d + j] * coef[j];
    acc += (y[i] - f) ** 2;
  }
  return acc / n;
}

/** What a single-fit solver gets from the fit study: the problem, its centred data, α and the LDP model. */
export interface FitInput {
  p: RegressionProblem;
  f: ReturnType<typeof fitData>;
  alpha: number;
  model: LdpModel | undefined;
}

/** One solver's single fit within the fit study (the registry's `fit` entry for single-fit solvers). */
export type FitSolve = (v: RegressionValues, ctx: RunContext, inp: FitInput) => Promise<SingleFit>;

/** A whole path within the fit study: the α grid and the coefficients (A × d). */
export interface PathResult {
  alphas: Float64Array;
  coefs: Float64Array;
  events?: string[];
}

export interface PathInput {
  p: RegressionProblem;
  f: ReturnType<typeof fitData>;
  arrays: Record<string, NdArray>;
  title: string;
  notes: string[];
  metrics: Record<string, number>;
}

export type PathSolve = (v: RegressionValues, ctx: RunContext, inp: PathInput) => Promise<PathResult>;

/** The fit study for a single-fit solver: builds the problem, runs `solve`, and reports errors and views. */
export async function runSingleFit(
  v: RegressionValues,
  ctx: RunContext,
  solve: FitSolve,
): Promise<RunOutput> {
  ctx.progress({ fraction: 0, stage: 'building the problem' });
  const p = await buildProblem(v, ctx);
  const info = SOLVER_INFO[v.solver];
  const intercept = v.intercept && !info.ldp;
  const f = fitData(p, intercept);
  const arrays: Record<string, NdArray> = {};
  if (p.wTrue) arrays.w_true = nd(Float64Array.from(p.wTrue), [p.d]);
  const title = `${info.title}${algorithmNote(v, ctx.gpu !== null)} on ${p.label}`;
  const timings: Record<string, number> = {};
  const notes: string[] = info.note ? [info.note] : [];
  await breathe(ctx.signal);

  const t0 = performance.now();
  const alpha = chooseAlpha(v, f.X, f.y, p.n, p.d, p.wTrue ? v.sigma : null);
  const model = info.ldp ? ldpModel(v, p) : undefined;
  const { coef, metrics } = await solve(v, ctx, { p, f, alpha, model });
  timings.solve = performance.now() - t0;
  const b = intercept ? interceptOf(f.xMean, f.yMean, coef) : 0;
  arrays.coef = nd(Float64Array.from(coef), [p.d]);
  arrays.intercept = nd(new Float64Array([b]), []);
  let nnz = 0;
  for (const c of coef) if (c !== 0) nnz++;
  const allMetrics: Record<string, number> = {
    n: p.n,
    d: p.d,
    nnz,
    intercept: b,
    train_mse: predictionMse(p.X, p.y, p.n, p.d, coef, b),
    ...metrics,
    ...errorMetrics(coef, p),
  };
  ctx.progress({ fraction: 1, stage: 'done' });
  const views: RegressionViewsData = {
    kind: 'fit',
    title,
    stem: stemView(coef, p.wTrue, p.columns),
    table: metricTable(allMetrics),
    notes,
  };
  return { arrays, metrics: allMetrics, timings, views };
}

/** A single fit by a CPU reference from the solver table. */
export function cpuFit(single: SingleFitFn): FitSolve {
  return async (v, ctx, { p, f, alpha, model }) => {
    ctx.progress({ fraction: 0.1, stage: `${SOLVER_INFO[v.solver].title} on the CPU` });
    return single(v, f.X, f.y, p.n, p.d, { alpha, ldp: model });
  };
}

/** Lasso / elastic net by coordinate descent; large problems in slices so a cancel lands quickly. */
export const cdFit: FitSolve = async (v, ctx, inp) => {
  const { p, f, alpha } = inp;
  if (p.n * p.d <= 1e6) return cpuFit(cdSingle)(v, ctx, inp);
  ctx.progress({ fraction: 0.1, stage: `${SOLVER_INFO[v.solver].title} on the CPU` });
  return cdInChunks(v, ctx, f.X, f.y, p.n, p.d, alpha);
};

/** FISTA: on the GPU when there is one, else the CPU reference with the same schedule. */
export const fistaFit: FitSolve = async (v, ctx, inp) => {
  if (!ctx.gpu) return cpuFit(fistaSingle)(v, ctx, inp);
  const { p, f, alpha } = inp;
  ctx.progress({ fraction: 0.1, stage: 'FISTA on the GPU' });
  const g = await fistaOnGpu(ctx, f.X, f.y, p.n, p.d);
  try {
    const r = await g.solve(alpha, { l1Ratio: l1RatioOf(v), tol: v.tol, maxIter: v.maxIter }, ctx.signal);
    return {
      coef: Float64Array.from(r.w),
      metrics: {
        alpha,
        iterations: r.iterations,
        gap: sklearnDualGap(r.gap, p.n),
        converged: r.converged ? 1 : 0,
        restarts: r.restarts,
        lipschitz: g.L,
      },
    };
  } finally {
    g.destroy();
  }
};

/**
 * Coordinate descent on a large problem in slices of sweeps, yielding between them so a cancel lands
 * within ~100 ms. Each slice ends with a gap check (scikit-learn checks only when the steps are small),
 * so it may stop a little earlier, always at a duality gap below tolerance.
 */
async function cdInChunks(
  v: RegressionValues,
  ctx: RunContext,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  alpha: number,
) {
  const prob = prepareCd(X, y, n, d);
  const w = new Float64Array(d);
  const R = Float64Array.from(y);
  const slice = Math.max(1, Math.floor(3e6 / (n * d)));
  let it = 0;
  let r = enetCd(prob, alpha, l1RatioOf(v), w, { tol: v.tol, maxIter: Math.min(slice, v.maxIter), R });
  it += r.iterations;
  while (!r.converged && it < v.maxIter) {
    await breathe(ctx.signal);
    ctx.progress({ fraction: 0.1 + (0.9 * it) / v.maxIter, stage: `coordinate descent, sweep ${it}` });
    r = enetCd(prob, alpha, l1RatioOf(v), w, { tol: v.tol, maxIter: Math.min(slice, v.maxIter - it), R });
    it += r.iterations;
  }
  return {
    coef: w,
    metrics: { alpha, iterations: it, gap: sklearnDualGap(r.gap, n), converged: r.converged ? 1 : 0 },
  };
}

async function fistaOnGpu(
  ctx: RunContext,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
): Promise<FistaGpu> {
  const gpu = ctx.gpu;
  if (!gpu) throw new Error('no GPU');
  const why = checkFits(gpu.adapter, 4 * n * d, 8 * n * d + 4 * (4 * d + 3 * n));
  if (why) throw new UserError(`FISTA on a ${n}×${d} design ${why}; use the CPU backend or a smaller n·d`);
  const g = FistaGpu.create(gpu, Float32Array.from(X), Float32Array.from(y), n, d);
  await g.lipschitz();
  return g;
}

/** The fit study for a path solver: builds the problem, runs `solve` over the α grid, and reports. */
export async function runPathFit(v: RegressionValues, ctx: RunContext, solve: PathSolve): Promise<RunOutput> {
  ctx.progress({ fraction: 0, stage: 'building the problem' });
  const p = await buildProblem(v, ctx);
  const f = fitData(p, v.intercept);
  const arrays: Record<string, NdArray> = {};
  if (p.wTrue) arrays.w_true = nd(Float64Array.from(p.wTrue), [p.d]);
  const title = `${SOLVER_INFO[v.solver].title}${algorithmNote(v, ctx.gpu !== null)} on ${p.label}`;
  const notes: string[] = [];
  await breathe(ctx.signal);
  const { n, d } = p;
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const metrics: Record<string, number> = { n, d };
  const { alphas, coefs, events } = await solve(v, ctx, { p, f, arrays, title, notes, metrics });
  timings.path = performance.now() - t0;
  const A = alphas.length;
  arrays.alphas = nd(Float64Array.from(alphas), [A]);
  arrays.coefs = nd(coefs, [A, d]);
  if (v.intercept) {
    const b = new Float64Array(A);
    for (let a = 0; a < A; a++) b[a] = interceptOf(f.xMean, f.yMean, coefs.subarray(a * d, (a + 1) * d));
    arrays.intercepts = nd(b, [A]);
  }
  // The α marked on the path: the one closest to w* when w* is known (an oracle, for teaching).
  let chosen: { alpha: number; label: string } | null = null;
  let chosenIdx = A - 1;
  if (p.wTrue) {
    let best = Number.POSITIVE_INFINITY;
    for (let a = 0; a < A; a++) {
      const e = l2Dist(coefs.subarray(a * d, (a + 1) * d), p.wTrue);
      if (e < best) {
        best = e;
        chosenIdx = a;
      }
    }
    chosen = { alpha: alphas[chosenIdx], label: 'oracle α (least ‖ŵ − w*‖)' };
    Object.assign(metrics, errorMetrics(coefs.subarray(chosenIdx * d, (chosenIdx + 1) * d), p));
    metrics.alpha_oracle = alphas[chosenIdx];
  } else notes.push('No true w* for this data: run the CV study to choose α.');
  metrics.alpha_max = alphas[0];
  const view = pathView(alphas, coefs, d, p.wTrue, p.columns, chosen);
  if (events) view.events = events;
  ctx.progress({ fraction: 1, stage: 'done' });
  const views: RegressionViewsData = {
    kind: 'path',
    title,
    path: view,
    stem: stemView(coefs.subarray(chosenIdx * d, (chosenIdx + 1) * d), p.wTrue, p.columns),
    table: metricTable(metrics),
    notes,
  };
  return { arrays, metrics, timings, views };
}

/** LARS-lasso: the exact path with its breakpoints (events: features entering and leaving). */
export const larsPath: PathSolve = async (_v, ctx, { p, f, arrays, metrics }) => {
  const { n, d } = p;
  ctx.progress({ fraction: 0.1, stage: 'LARS-lasso' });
  if (Math.min(n, d) > 3000)
    throw new UserError('LARS here refits a dense Gram at each knot; keep min(n, d) ≤ 3000');
  const r = larsLasso(f.X, f.y, n, d);
  arrays.active = nd(Int32Array.from(r.active), [r.active.length]);
  metrics.knots = r.knots;
  metrics.drops = r.events.filter((e) => e < 0).length;
  const events = r.events.map((e) =>
    e >= 0 ? `+${p.columns?.[e] ?? `x${e}`}` : `−${p.columns?.[-e - 1] ?? `x${-e - 1}`}`,
  );
  return { alphas: r.alphas, coefs: r.coefs, events };
};

/** Lasso / elastic-net path with warm starts: FISTA on the GPU when there is one, else coordinate descent. */
export const enetPath: PathSolve = async (v, ctx, { p, f, title, notes, metrics }) => {
  const { n, d } = p;
  const l1Ratio = l1RatioOf(v);
  const alphas = alphaGrid(alphaMax(f.X, f.y, n, d, l1Ratio), v.nAlphas, v.eps);
  const A = alphas.length;
  const coefs = new Float64Array(A * d);
  let totalIter = 0;
  let worstGap = 0;
  let unconverged = 0;
  const partial = (a: number) =>
    ctx.progress({
      fraction: (a + 1) / A,
      stage: `α ${a + 1} of ${A}`,
      partial: {
        kind: 'path',
        title,
        path: pathView(
          alphas.subarray(0, a + 1),
          coefs.subarray(0, (a + 1) * d),
          d,
          p.wTrue,
          p.columns,
          null,
        ),
        table: [],
        notes: [],
      } satisfies RegressionViewsData,
    });
  if (ctx.gpu) {
    const g = await fistaOnGpu(ctx, f.X, f.y, n, d);
    notes.push(
      'Path solved by FISTA on the GPU (same objective and gap test as coordinate descent; warm starts along α).',
    );
    try {
      let last = performance.now();
      for (let a = 0; a < A; a++) {
        const r = await g.solve(alphas[a], { l1Ratio, tol: v.tol, maxIter: v.maxIter }, ctx.signal);
        coefs.set(r.w, a * d);
        totalIter += r.iterations;
        worstGap = Math.max(worstGap, r.gap / Math.max(sqNorm(f.y), 1e-300));
        if (!r.converged) unconverged++;
        if (performance.now() - last > 100 || a === A - 1) {
          partial(a);
          last = performance.now();
        }
      }
      metrics.lipschitz = g.L;
    } finally {
      g.destroy();
    }
  } else {
    const prob = prepareCd(f.X, f.y, n, d);
    const w = new Float64Array(d);
    const R = Float64Array.from(f.y);
    const screen = cdScreen(prob, R);
    let last = performance.now();
    for (let a = 0; a < A; a++) {
      const r = enetCd(prob, alphas[a], l1Ratio, w, { tol: v.tol, maxIter: v.maxIter, R, screen });
      coefs.set(w, a * d);
      totalIter += r.iterations;
      worstGap = Math.max(worstGap, r.gap / Math.max(prob.yNormSq, 1e-300));
      if (!r.converged) unconverged++;
      if (performance.now() - last > 30 || a === A - 1) {
        partial(a);
        await breathe(ctx.signal);
        last = performance.now();
      }
    }
  }
  metrics.iterations = totalIter;
  metrics.worst_relative_gap = worstGap;
  metrics.unconverged_alphas = unconverged;
  return { alphas, coefs };
};

const LABELS: Record<string, [string, string?]> = {
  n: ['samples n'],
  d: ['features d'],
  nnz: ['nonzeros in ŵ'],
  l2_error: ['‖ŵ − w*‖₂'],
  rel_error: ['‖ŵ − w*‖ / ‖w*‖'],
  tp: ['true positives'],
  fp: ['false positives'],
  misses: ['misses'],
  alpha: ['α'],
  alpha_oracle: ['oracle α', 'least ‖ŵ − w*‖ on the grid'],
  alpha_max: ['α_max'],
  gap: ['duality gap', 'as scikit-learn reports dual_gap_: the gap of (1/2n)‖y − Xw‖² + α·penalty'],
  iterations: ['iterations'],
  worst_relative_gap: [
    'worst relative gap',
    'max over α of the n-scaled gap / ‖y‖²: the stopping test (< tol)',
  ],
  train_mse: ['training MSE'],
  intercept: ['intercept b'],
};

export function metricTable(m: Record<string, number>): RegressionViewsData['table'] {
  return Object.entries(m).map(([k, value]) => ({
    label: LABELS[k]?.[0] ?? k.replace(/_/g, ' '),
    value,
    hint: LABELS[k]?.[1],
  }));
}
