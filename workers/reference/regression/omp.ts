/**
 * Orthogonal matching pursuit (scikit-learn's `orthogonal_mp`, Cholesky variant): r = y, S = ∅; pick
 * j* = argmax |X_jᵀr|/‖X_j‖, add it, refit least squares on S through an incrementally grown Cholesky
 * factor of X_SᵀX_S, r = y − X_S w_S; stop at k atoms, at ‖r‖² ≤ residTol, or when the new atom is
 * linearly dependent on the chosen ones. O(knd + k²n).
 */
import { colSqNorms, matTVec } from './linalg';

export interface OmpResult {
  coef: Float64Array;
  /** Atoms in the order they were chosen. */
  order: number[];
  residualSq: number;
  /** ‖r‖² after each atom. */
  residualPath: number[];
  /** Smallest relative lead of the chosen atom's score over the runner-up (near 0: a near-tie that
   * float32 and float64 may break differently). */
  minMargin: number;
}

const MIN_FLOAT = 2.2250738585072014e-308;

export function omp(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  k: number,
  residTol = 0,
  colSq = colSqNorms(X, n, d),
): OmpResult {
  const maxAtoms = Math.min(k, n, d);
  const L = new Float64Array(maxAtoms * maxAtoms);
  const order: number[] = [];
  const chosen = new Uint8Array(d);
  const xty: number[] = [];
  const r = Float64Array.from(y);
  let gamma: Float64Array = new Float64Array(0);
  let residualSq = r.reduce((a, v) => a + v * v, 0);
  const residualPath: number[] = [];
  const colNorm = Array.from(colSq, (v) => Math.sqrt(v));
  const g = new Float64Array(d);
  let minMargin = 1;

  while (order.length < maxAtoms && !(residTol > 0 && residualSq <= residTol)) {
    matTVec(X, n, d, r, g);
    let best = -1;
    let bestScore = -1;
    let second = -1;
    for (let j = 0; j < d; j++) {
      if (colNorm[j] === 0) continue;
      const score = Math.abs(g[j]) / colNorm[j];
      if (score > bestScore) {
        second = bestScore;
        bestScore = score;
        best = j;
      } else if (score > second) second = score;
    }
    if (bestScore > 0) minMargin = Math.min(minMargin, (bestScore - Math.max(second, 0)) / bestScore);
    if (best < 0 || chosen[best] || g[best] * g[best] < MIN_FLOAT) break;
    const m = order.length;
    // New row of L: solve L[:m,:m] z = X_Sᵀ x_best, then the diagonal from what is left of ‖x_best‖².
    const z = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      let v = 0;
      const ja = order[a];
      for (let i = 0; i < n; i++) v += X[i * d + ja] * X[i * d + best];
      for (let b = 0; b < a; b++) v -= L[a * maxAtoms + b] * z[b];
      z[a] = v / L[a * maxAtoms + a];
    }
    let zz = 0;
    for (let a = 0; a < m; a++) zz += z[a] * z[a];
    const lkk = colSq[best] - zz;
    if (lkk <= MIN_FLOAT || (m > 0 && lkk <= 1e-14 * colSq[best])) break; // dependent atom
    for (let a = 0; a < m; a++) L[m * maxAtoms + a] = z[a];
    L[m * maxAtoms + m] = Math.sqrt(lkk);
    order.push(best);
    chosen[best] = 1;
    let xy = 0;
    for (let i = 0; i < n; i++) xy += X[i * d + best] * y[i];
    xty.push(xy);
    gamma = solveLLt(L, order.length, maxAtoms, xty);
    r.set(y);
    for (let a = 0; a < order.length; a++) {
      const ja = order[a];
      const ga = gamma[a];
      for (let i = 0; i < n; i++) r[i] -= X[i * d + ja] * ga;
    }
    residualSq = r.reduce((acc, v) => acc + v * v, 0);
    residualPath.push(residualSq);
  }
  const coef = new Float64Array(d);
  order.forEach((j, a) => {
    coef[j] = gamma[a];
  });
  return { coef, order, residualSq, residualPath, minMargin };
}

function solveLLt(L: Float64Array, m: number, ld: number, b: number[]): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < m; i++) {
    let v = x[i];
    for (let k = 0; k < i; k++) v -= L[i * ld + k] * x[k];
    x[i] = v / L[i * ld + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let v = x[i];
    for (let k = i + 1; k < m; k++) v -= L[k * ld + i] * x[k];
    x[i] = v / L[i * ld + i];
  }
  return x;
}
