/**
 * Study "cv": K-fold cross-validation over the Lasso / elastic-net α grid, as scikit-learn's LassoCV /
 * ElasticNetCV: the grid comes from the whole data set, folds are contiguous (KFold without shuffling),
 * each training fold is centred on its own (intercept = 1), a warm-started path is fitted on it and scored
 * by test MSE; the α with the least mean MSE is chosen. The full-data path is drawn with that α marked.
 */
import { nd } from '../../core/ndarray';
import { alphaGrid, alphaMax, cdScreen, enetCd, prepareCd } from '../../reference/regression/enet-cd';
import { centre, interceptOf, l2Dist, sqNorm } from '../../reference/regression/linalg';
import type { RegressionValues } from '../../spec/regression';
import { SOLVER_INFO } from '../../spec/regression-methods';
import { breathe, type RunContext, type RunOutput, UserError } from '../types';
import { metricTable } from './fit';
import { buildProblem, fitData } from './problem';
import { l1RatioOf } from './solve';
import { pathView, type RegressionViewsData, stemView, supportCounts } from './views';

export function kFoldBounds(n: number, k: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    out.push([start, start + size]);
    start += size;
  }
  return out;
}

function pathOn(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  alphas: Float64Array,
  l1Ratio: number,
  v: RegressionValues,
) {
  const p = prepareCd(X, y, n, d);
  const w = new Float64Array(d);
  const R = Float64Array.from(y);
  const screen = cdScreen(p, R);
  const coefs = new Float64Array(alphas.length * d);
  for (let a = 0; a < alphas.length; a++) {
    enetCd(p, alphas[a], l1Ratio, w, { tol: v.tol, maxIter: v.maxIter, R, screen });
    coefs.set(w, a * d);
  }
  return coefs;
}

export async function runCv(v: RegressionValues, ctx: RunContext): Promise<RunOutput> {
  const l1Ratio = l1RatioOf(v);
  const p = await buildProblem(v, ctx);
  const { n, d } = p;
  if (v.folds > n) throw new UserError(`folds: ${v.folds} folds need at least as many samples (n = ${n})`);
  const t0 = performance.now();
  const full = fitData(p, v.intercept);
  const alphas = alphaGrid(alphaMax(full.X, full.y, n, d, l1Ratio), v.nAlphas, v.eps);
  const A = alphas.length;
  const K = v.folds;
  const mse = new Float64Array(K * A);
  const bounds = kFoldBounds(n, K);
  const title = `${K}-fold CV: ${SOLVER_INFO[v.solver].title} on ${p.label}`;
  for (let f = 0; f < K; f++) {
    const [lo, hi] = bounds[f];
    const nTr = n - (hi - lo);
    const Xtr = new Float64Array(nTr * d);
    const ytr = new Float64Array(nTr);
    let q = 0;
    for (let i = 0; i < n; i++) {
      if (i >= lo && i < hi) continue;
      Xtr.set(p.X.subarray(i * d, (i + 1) * d), q * d);
      ytr[q++] = p.y[i];
    }
    const tr = v.intercept
      ? centre(Xtr, ytr, nTr, d)
      : { Xc: Xtr, yc: ytr, xMean: new Float64Array(d), yMean: 0 };
    const coefs = pathOn(tr.Xc, tr.yc, nTr, d, alphas, l1Ratio, v);
    for (let a = 0; a < A; a++) {
      const w = coefs.subarray(a * d, (a + 1) * d);
      const b = v.intercept ? interceptOf(tr.xMean, tr.yMean, w) : 0;
      let acc = 0;
      for (let i = lo; i < hi; i++) {
        let fit = b;
        for (let j = 0; j < d; j++) fit += p.X[i * d + j] * w[j];
        acc += (p.y[i] - fit) ** 2;
      }
      mse[f * A + a] = acc / Math.max(hi - lo, 1);
    }
    ctx.progress({ fraction: (f + 1) / (K + 1), stage: `fold ${f + 1} of ${K}` });
    await breathe(ctx.signal);
  }
  const mean = new Float64Array(A);
  const se = new Float64Array(A);
  for (let a = 0; a < A; a++) {
    let m = 0;
    for (let f = 0; f < K; f++) m += mse[f * A + a];
    m /= K;
    let s = 0;
    for (let f = 0; f < K; f++) s += (mse[f * A + a] - m) ** 2;
    mean[a] = m;
    se[a] = Math.sqrt(s / Math.max(K - 1, 1) / K);
  }
  let best = 0;
  for (let a = 1; a < A; a++) if (mean[a] < mean[best]) best = a;
  const coefs = pathOn(full.X, full.y, n, d, alphas, l1Ratio, v);
  const coef = Float64Array.from(coefs.subarray(best * d, (best + 1) * d));
  const b = v.intercept ? interceptOf(full.xMean, full.yMean, coef) : 0;
  const metrics: Record<string, number> = {
    n,
    d,
    folds: K,
    alpha_cv: alphas[best],
    cv_mse: mean[best],
    alpha_max: alphas[0],
  };
  let nnz = 0;
  for (const c of coef) if (c !== 0) nnz++;
  metrics.nnz = nnz;
  if (p.wTrue) {
    const err = l2Dist(coef, p.wTrue);
    const c = supportCounts(coef, p.wTrue);
    Object.assign(metrics, {
      l2_error: err,
      rel_error: err / Math.sqrt(sqNorm(p.wTrue)),
      tp: c.tp,
      fp: c.fp,
      misses: c.miss,
    });
  }
  const logAlpha = Array.from(alphas, (a) => Math.log10(a));
  const views: RegressionViewsData = {
    kind: 'cv',
    title,
    cv: {
      logAlpha,
      mean: Array.from(mean),
      lo: Array.from(mean, (m, a) => m - se[a]),
      hi: Array.from(mean, (m, a) => m + se[a]),
      chosenLogAlpha: logAlpha[best],
      folds: K,
    },
    path: pathView(alphas, coefs, d, p.wTrue, p.columns, {
      alpha: alphas[best],
      label: `CV α (least mean test MSE, ${K} folds)`,
    }),
    stem: stemView(coef, p.wTrue, p.columns),
    table: metricTable(metrics),
    notes: [
      'Folds are contiguous blocks of rows, as scikit-learn’s KFold without shuffling; the band is ±1 standard error over folds.',
    ],
  };
  return {
    arrays: {
      alphas: nd(Float64Array.from(alphas), [A]),
      coefs: nd(coefs, [A, d]),
      mse_path: nd(mse, [K, A]),
      coef: nd(coef, [d]),
      intercept: nd(new Float64Array([b]), []),
      ...(p.wTrue ? { w_true: nd(Float64Array.from(p.wTrue), [d]) } : {}),
    },
    metrics,
    timings: { cv: performance.now() - t0 },
    views,
  };
}
