/**
 * Hard thresholding pursuit (Foucart 2011), normalised step: S⁺ = top-k of |w + μXᵀ(y − Xw)| with
 * μ = ‖g_S‖²/‖X_S g_S‖² on the current support, then w = least squares on S⁺; stops when the support
 * repeats (or after maxIter iterations).
 */
import { type HardThresholdResult, normalisedStep, residualOf } from './iht';
import { leastSquaresOn, matTVec, topK } from './linalg';

export function htp(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  k: number,
  opts: { maxIter?: number } = {},
): HardThresholdResult {
  const maxIter = Math.min(opts.maxIter ?? 100, 100000);
  const kk = Math.min(k, n, d);
  let w = new Float64Array(d);
  let S: number[] = [];
  let it = 0;
  for (; it < maxIter; it++) {
    const r = residualOf(X, y, n, d, w);
    const g = matTVec(X, n, d, r);
    const cur = S.length ? S : topK(g, kk);
    const mu = normalisedStep(X, n, d, g, cur);
    const u = new Float64Array(d);
    for (let j = 0; j < d; j++) u[j] = w[j] + mu * g[j];
    const next = topK(u, kk);
    if (S.length && next.length === S.length && next.every((j, i) => j === S[i])) {
      it++;
      break;
    }
    S = next;
    const c = leastSquaresOn(X, n, d, y, S, 1e-12);
    w = new Float64Array(d);
    if (c) {
      S.forEach((j, a) => {
        w[j] = c[a];
      });
    }
  }
  return { coef: w, iterations: it, support: S };
}
