/** Study "fit": one solver on one problem — a single fit, or a whole path (CD, FISTA on the GPU, or LARS). */
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
import { breathe, type RunContext, type RunOutput, UserError } from '../types';
import { buildProblem, designOf, fitData, type RegressionProblem } from './problem';
import { chooseAlpha, type LdpModel, l1RatioOf, solveSingle } from './solve';
import { pathView, type RegressionViewsData, stemView, supportCounts } from './views';

export const SOLVER_TITLES: Record<string, string> = {
  lasso: 'Lasso (coordinate descent)',
  enet: 'Elastic net (coordinate descent)',
  lasso_path: 'Lasso path',
  enet_path: 'Elastic-net path',
  lars_lasso: 'LARS-lasso path',
  omp: 'OMP',
  iht: 'Normalised IHT',
  htp: 'HTP',
  fista: 'FISTA',
  sbl: 'Sparse Bayesian learning',
  ridge: 'Ridge',
  ldp_ni: 'LDP non-interactive',
  ldp_si: 'LDP sequentially interactive',
  precond_lasso: 'Preconditioned Lasso (exploratory)',
  kron_sbl: 'Kronecker SBL (KroSBL)',
};

/** What solves the chosen solver on this backend, when it differs by backend (for chart titles). */
export function algorithmNote(v: RegressionValues, gpu: boolean): string {
  if (v.solver === 'lasso_path' || v.solver === 'enet_path')
    return gpu ? ' (FISTA on WebGPU)' : ' (coordinate descent)';
  if (v.solver === 'fista') return gpu ? ' on WebGPU' : ' on the CPU';
  return '';
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
    v.solver === 'ldp_ni' && v.publicX
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

export async function runFit(v: RegressionValues, ctx: RunContext): Promise<RunOutput> {
  ctx.progress({ fraction: 0, stage: 'building the problem' });
  const p = await buildProblem(v, ctx);
  const isLdp = v.solver === 'ldp_ni' || v.solver === 'ldp_si';
  const intercept = v.intercept && !isLdp;
  const f = fitData(p, intercept);
  const arrays: Record<string, NdArray> = {};
  if (p.wTrue) arrays.w_true = nd(Float64Array.from(p.wTrue), [p.d]);
  const title = `${SOLVER_TITLES[v.solver]}${algorithmNote(v, ctx.gpu !== null)} on ${p.label}`;
  const timings: Record<string, number> = {};
  const notes: string[] = [];
  await breathe(ctx.signal);

  if (v.solver === 'lasso_path' || v.solver === 'enet_path' || v.solver === 'lars_lasso') {
    return runPath(v, ctx, p, f, arrays, title, notes);
  }

  const t0 = performance.now();
  let coef: Float64Array;
  let metrics: Record<string, number>;
  const alpha = chooseAlpha(v, f.X, f.y, p.n, p.d, p.wTrue ? v.sigma : null);
  if (v.solver === 'fista' && ctx.gpu) {
    ctx.progress({ fraction: 0.1, stage: 'FISTA on the GPU' });
    const g = await fistaOnGpu(ctx, f.X, f.y, p.n, p.d);
    try {
      const r = await g.solve(alpha, { l1Ratio: l1RatioOf(v), tol: v.tol, maxIter: v.maxIter }, ctx.signal);
      coef = Float64Array.from(r.w);
      metrics = {
        alpha,
        iterations: r.iterations,
        gap: sklearnDualGap(r.gap, p.n),
        converged: r.converged ? 1 : 0,
        restarts: r.restarts,
        lipschitz: g.L,
      };
    } finally {
      g.destroy();
    }
  } else {
    ctx.progress({ fraction: 0.1, stage: `${SOLVER_TITLES[v.solver]} on the CPU` });
    const model = isLdp ? ldpModel(v, p) : undefined;
    const fit =
      (v.solver === 'lasso' || v.solver === 'enet') && p.n * p.d > 1e6
        ? await cdInChunks(v, ctx, f.X, f.y, p.n, p.d, alpha)
        : solveSingle(v.solver, v, f.X, f.y, p.n, p.d, { alpha, ldp: model });
    coef = fit.coef;
    metrics = fit.metrics;
    if (v.solver === 'precond_lasso')
      notes.push(
        'Exploratory: the preconditioned Lasso here is this lab’s spectral-band dictionary D = [I, P₁, P₂, …] with the Lasso on XD (α as λ), NOT the algorithm of arXiv 2511.06211. Study “Random vs adversarial supports” and error vs n compare it with the Lasso.',
      );
    if (isLdp)
      notes.push(
        'LDP: every user’s (x, y) is truncated and privatised with the Gaussian mechanism before the server sees it; constants are this lab’s reading of arXiv 2310.07367.',
      );
  }
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
  return { arrays, metrics: allMetrics, timings, views: views as unknown as Record<string, unknown> };
}

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

async function runPath(
  v: RegressionValues,
  ctx: RunContext,
  p: RegressionProblem,
  f: ReturnType<typeof fitData>,
  arrays: Record<string, NdArray>,
  title: string,
  notes: string[],
): Promise<RunOutput> {
  const { n, d } = p;
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let alphas: Float64Array;
  let coefs: Float64Array;
  const metrics: Record<string, number> = { n, d };
  let events: string[] | undefined;
  if (v.solver === 'lars_lasso') {
    ctx.progress({ fraction: 0.1, stage: 'LARS-lasso' });
    if (Math.min(n, d) > 3000)
      throw new UserError('LARS here refits a dense Gram at each knot; keep min(n, d) ≤ 3000');
    const r = larsLasso(f.X, f.y, n, d);
    alphas = r.alphas;
    coefs = r.coefs;
    arrays.active = nd(Int32Array.from(r.active), [r.active.length]);
    metrics.knots = r.knots;
    metrics.drops = r.events.filter((e) => e < 0).length;
    events = r.events.map((e) =>
      e >= 0 ? `+${p.columns?.[e] ?? `x${e}`}` : `−${p.columns?.[-e - 1] ?? `x${-e - 1}`}`,
    );
  } else {
    const l1Ratio = l1RatioOf(v);
    alphas = alphaGrid(alphaMax(f.X, f.y, n, d, l1Ratio), v.nAlphas, v.eps);
    const A = alphas.length;
    coefs = new Float64Array(A * d);
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
  }
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
  return { arrays, metrics, timings, views: views as unknown as Record<string, unknown> };
}

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
