/**
 * ISTA/FISTA for the same objective as coordinate descent,
 *   (1/2n)‖y − Xw‖² + αρ‖w‖₁ + ½α(1−ρ)‖w‖²,
 * step 1/L with L = σ_max(X)²/n (power iteration, ×1.01):
 *   w⁺ = S_{αρ/L}(z + Xᵀ(y − Xz)/(nL)) / (1 + α(1−ρ)/L),  t⁺ = (1 + √(1 + 4t²))/2,
 *   z⁺ = w⁺ + ((t − 1)/t⁺)(w⁺ − w)                     (ISTA: z⁺ = w⁺).
 * Every `checkEvery` iterations (and at the last) the duality gap of scikit-learn's n-scaled problem is
 * computed at w; the run stops when gap < tol·‖y‖². At the same checks the momentum restarts (z = w, t = 1)
 * if the objective rose since the previous check. The GPU kernels follow this schedule step for step.
 */
import { gapFrom } from './enet-cd';
import { dot, matTVec, matVec, softThreshold, spectralNormSq, sqNorm } from './linalg';

export interface FistaOptions {
  w0?: Float64Array;
  /** Lipschitz constant of the smooth part; computed when absent. */
  L?: number;
  tol?: number;
  maxIter?: number;
  checkEvery?: number;
  /** false: plain ISTA. */
  accelerate?: boolean;
}

export interface FistaResult {
  w: Float64Array;
  gap: number;
  iterations: number;
  converged: boolean;
  restarts: number;
  L: number;
}

export function lipschitz(X: Float64Array, n: number, d: number): number {
  return (1.01 * spectralNormSq(X, n, d, 50)) / n;
}

/** Objective and gap at w, from one residual and one Xᵀr. */
export function fistaCheck(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  w: Float64Array,
  alpha: number,
  l1Ratio: number,
): { objective: number; gap: number } {
  const r = matVec(X, n, d, w);
  for (let i = 0; i < n; i++) r[i] = y[i] - r[i];
  const g = matTVec(X, n, d, r);
  return checkFrom(g, r, y, w, n, alpha, l1Ratio);
}

/** The same check from XᵀR and R computed elsewhere (the GPU path reads them back). */
export function checkFrom(
  g: ArrayLike<number>,
  r: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  n: number,
  alpha: number,
  l1Ratio: number,
): { objective: number; gap: number } {
  const a = alpha * l1Ratio * n;
  const beta = alpha * (1 - l1Ratio) * n;
  let dual = 0;
  let l1 = 0;
  let w2 = 0;
  for (let j = 0; j < w.length; j++) {
    dual = Math.max(dual, Math.abs(g[j] - beta * w[j]));
    l1 += Math.abs(w[j]);
    w2 += w[j] * w[j];
  }
  const rr = sqNorm(r);
  const gap = gapFrom(dual, rr, dot(r, y), w, a, beta);
  const objective = rr / (2 * n) + alpha * l1Ratio * l1 + 0.5 * alpha * (1 - l1Ratio) * w2;
  return { objective, gap };
}

export function fista(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  alpha: number,
  l1Ratio: number,
  opts: FistaOptions = {},
): FistaResult {
  const L = opts.L ?? lipschitz(X, n, d);
  const tol = (opts.tol ?? 1e-4) * sqNorm(y);
  const maxIter = opts.maxIter ?? 1000;
  const every = opts.checkEvery ?? 10;
  const accelerate = opts.accelerate ?? true;
  const w = opts.w0 ? Float64Array.from(opts.w0) : new Float64Array(d);
  const z = Float64Array.from(w);
  const r = new Float64Array(n);
  const g = new Float64Array(d);
  const thr = (alpha * l1Ratio) / L;
  const shrink = 1 / (1 + (alpha * (1 - l1Ratio)) / L);
  const step = 1 / (n * L);
  let t = 1;
  let lastObjective = Number.POSITIVE_INFINITY;
  let gap = Number.POSITIVE_INFINITY;
  let restarts = 0;
  let it = 0;
  if (L === 0) return { w, gap: 0, iterations: 0, converged: true, restarts, L };
  while (it < maxIter) {
    matVec(X, n, d, z, r);
    for (let i = 0; i < n; i++) r[i] = y[i] - r[i];
    matTVec(X, n, d, r, g);
    const tNext = accelerate ? (1 + Math.sqrt(1 + 4 * t * t)) / 2 : 1;
    const mom = accelerate ? (t - 1) / tNext : 0;
    for (let j = 0; j < d; j++) {
      const wNew = softThreshold(z[j] + g[j] * step, thr) * shrink;
      z[j] = wNew + mom * (wNew - w[j]);
      w[j] = wNew;
    }
    t = tNext;
    it++;
    if (it % every === 0 || it === maxIter) {
      const c = fistaCheck(X, y, n, d, w, alpha, l1Ratio);
      gap = c.gap;
      if (gap < tol) break;
      if (c.objective > lastObjective && accelerate) {
        z.set(w);
        t = 1;
        restarts++;
      }
      lastObjective = c.objective;
    }
  }
  return { w, gap, iterations: it, converged: gap < tol, restarts, L };
}
