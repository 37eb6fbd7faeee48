/**
 * Normalised iterative hard thresholding (Blumensath & Davies 2010) for min ½‖y − Xw‖² s.t. ‖w‖₀ ≤ k:
 *   g = Xᵀ(y − Xw); S = supp(w) (or the top-k of |g| at w = 0); μ = ‖g_S‖²/‖X_S g_S‖²;
 *   w⁺ = H_k(w + μg), halving μ while the objective would rise (at most 30 times).
 * Stops when ‖w⁺ − w‖ ≤ tol·‖w⁺‖ or after maxIter steps.
 */
import { matTVec, matVec, sqNorm, topK } from './linalg';

export interface HardThresholdResult {
  coef: Float64Array;
  iterations: number;
  support: number[];
}

export function residualOf(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  w: ArrayLike<number>,
): Float64Array {
  const r = matVec(X, n, d, w);
  for (let i = 0; i < n; i++) r[i] = y[i] - r[i];
  return r;
}

/** μ = ‖g_S‖²/‖X_S g_S‖², the exact line-search step on the support S. */
export function normalisedStep(X: Float64Array, n: number, d: number, g: Float64Array, S: number[]): number {
  const gs = new Float64Array(d);
  for (const j of S) gs[j] = g[j];
  const num = sqNorm(gs);
  const den = sqNorm(matVec(X, n, d, gs));
  return den > 0 ? num / den : 0;
}

export function hardThreshold(v: Float64Array, k: number): Float64Array {
  const out = new Float64Array(v.length);
  for (const j of topK(v, k)) out[j] = v[j];
  return out;
}

export function supportOf(w: ArrayLike<number>): number[] {
  const s: number[] = [];
  for (let j = 0; j < w.length; j++) if (w[j] !== 0) s.push(j);
  return s;
}

export function iht(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  k: number,
  opts: { tol?: number; maxIter?: number } = {},
): HardThresholdResult {
  const tol = opts.tol ?? 1e-6;
  const maxIter = opts.maxIter ?? 1000;
  let w: Float64Array = new Float64Array(d);
  let r: Float64Array = Float64Array.from(y);
  let obj = 0.5 * sqNorm(r);
  let it = 0;
  for (; it < maxIter; it++) {
    const g = matTVec(X, n, d, r);
    const S = it === 0 ? topK(g, k) : supportOf(w);
    let mu = normalisedStep(X, n, d, g, S.length ? S : topK(g, k));
    if (mu === 0) break;
    let next: Float64Array = new Float64Array(d);
    let rNext: Float64Array = r;
    let objNext = obj;
    for (let halving = 0; halving <= 30; halving++) {
      const u = new Float64Array(d);
      for (let j = 0; j < d; j++) u[j] = w[j] + mu * g[j];
      next = hardThreshold(u, k);
      rNext = residualOf(X, y, n, d, next);
      objNext = 0.5 * sqNorm(rNext);
      if (objNext <= obj) break;
      mu /= 2;
    }
    let diff = 0;
    for (let j = 0; j < d; j++) diff += (next[j] - w[j]) ** 2;
    const done = Math.sqrt(diff) <= tol * Math.sqrt(sqNorm(next)) || objNext > obj;
    if (objNext <= obj) {
      w = next;
      r = rNext;
      obj = objNext;
    }
    if (done) {
      it++;
      break;
    }
  }
  return { coef: w, iterations: it, support: supportOf(w) };
}
