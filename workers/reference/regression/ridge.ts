/**
 * Ridge / least squares with scikit-learn Ridge's objective ‖y − Xw‖² + α‖w‖² (no 1/n):
 * primal (XᵀX + αI)w = Xᵀy when d ≤ n, dual w = Xᵀ(XXᵀ + αI)⁻¹y when d > n (α = 0: the minimum-norm
 * least-squares solution). A singular system gets a tiny diagonal jitter, reported back.
 */
import { cholesky, cholSolve, matTVec } from './linalg';

export function ridge(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  alpha: number,
): { coef: Float64Array; jitter: number } {
  const primal = d <= n;
  const m = primal ? d : n;
  const G = new Float64Array(m * m);
  if (primal) {
    for (let i = 0; i < n; i++) {
      const row = i * d;
      for (let a = 0; a < d; a++) {
        const xa = X[row + a];
        if (xa === 0) continue;
        for (let b = 0; b <= a; b++) G[a * d + b] += xa * X[row + b];
      }
    }
  } else {
    for (let a = 0; a < n; a++) {
      for (let b = 0; b <= a; b++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += X[a * d + j] * X[b * d + j];
        G[a * n + b] = acc;
      }
    }
  }
  let trace = 0;
  for (let a = 0; a < m; a++) {
    G[a * m + a] += alpha;
    trace += G[a * m + a];
    for (let b = 0; b < a; b++) G[b * m + a] = G[a * m + b];
  }
  const rhs = primal ? matTVec(X, n, d, y) : y;
  let jitter = 0;
  let L = Float64Array.from(G);
  while (!cholesky(L, m)) {
    jitter = jitter === 0 ? 1e-12 * Math.max(trace / m, 1e-300) : jitter * 10;
    L = Float64Array.from(G);
    for (let a = 0; a < m; a++) L[a * m + a] += jitter;
    if (jitter > trace) break;
  }
  const sol = cholSolve(L, m, rhs);
  return { coef: primal ? sol : matTVec(X, n, d, sol), jitter };
}
