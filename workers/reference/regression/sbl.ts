/**
 * Sparse Bayesian learning (Tipping 2001), EM updates: y = Φw + ε, ε ~ N(0, σ²I), w_i ~ N(0, γ_i).
 * E-step on the active set A (γ_i > 0): Σ = (Φ_AᵀΦ_A/σ² + Γ_A⁻¹)⁻¹, μ = ΣΦ_Aᵀy/σ² — the same posterior
 * as the Woodbury form ΓΦᵀ(σ²I + ΦΓΦᵀ)⁻¹y, but |A|×|A| instead of n×n once features are pruned.
 * M-step: γ_i ← μ_i² + Σ_ii; σ² ← (‖y − Φμ‖² + σ²Σ_i(1 − Σ_ii/γ_i))/n.
 * Init γ = 1, σ² = 0.1·var(y); prune γ_i < 1e-8·max γ; stop at max|Δγ|/max γ < tol or maxIter.
 */
import { cholesky, cholSolve, forwardSolve } from './linalg';

export interface SblResult {
  coef: Float64Array;
  gamma: Float64Array;
  sigma2: number;
  iterations: number;
  active: number[];
}

export function sbl(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  opts: { tol?: number; maxIter?: number; fixedNoise?: boolean; update?: 'em' | 'mackay' } = {},
): SblResult {
  const tol = opts.tol ?? 1e-6;
  const maxIter = opts.maxIter ?? 1000;
  const gamma = new Float64Array(d).fill(1);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let vy = 0;
  for (let i = 0; i < n; i++) vy += (y[i] - mean) ** 2;
  vy /= n;
  let sigma2 = Math.max(0.1 * vy, 1e-12);
  let mu = new Float64Array(d);
  let it = 0;
  for (; it < maxIter; it++) {
    const A: number[] = [];
    for (let j = 0; j < d; j++) if (gamma[j] > 0) A.push(j);
    const m = A.length;
    if (m === 0) break;
    // Precision P = Φ_AᵀΦ_A/σ² + diag(1/γ_A), right-hand side Φ_Aᵀy/σ².
    const P = new Float64Array(m * m);
    const b = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const row = i * d;
      for (let a = 0; a < m; a++) {
        const xa = X[row + A[a]];
        if (xa === 0) continue;
        b[a] += (xa * y[i]) / sigma2;
        for (let c = 0; c <= a; c++) P[a * m + c] += (xa * X[row + A[c]]) / sigma2;
      }
    }
    for (let a = 0; a < m; a++) {
      P[a * m + a] += 1 / gamma[A[a]];
      for (let c = 0; c < a; c++) P[c * m + a] = P[a * m + c];
    }
    if (!cholesky(P, m)) break;
    const muA = cholSolve(P, m, b);
    // diag(Σ) = diag(P⁻¹) = diag(L⁻ᵀL⁻¹): the squared norm of column a of L⁻¹, i.e. of z = L⁻¹e_a.
    const diag = new Float64Array(m);
    const e = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      e.fill(0);
      e[a] = 1;
      const z = forwardSolve(P, m, e);
      for (let c = a; c < m; c++) diag[a] += z[c] * z[c];
    }
    mu = new Float64Array(d);
    A.forEach((j, a) => {
      mu[j] = muA[a];
    });
    let rr = 0;
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let a = 0; a < m; a++) f += X[i * d + A[a]] * muA[a];
      rr += (y[i] - f) ** 2;
    }
    let dof = 0;
    let gMax = 0;
    let dMax = 0;
    const prev = Float64Array.from(gamma);
    A.forEach((j, a) => {
      const keep = 1 - diag[a] / gamma[j];
      dof += keep;
      gamma[j] =
        opts.update === 'mackay' ? (muA[a] * muA[a]) / Math.max(keep, 1e-300) : muA[a] * muA[a] + diag[a];
      gMax = Math.max(gMax, gamma[j]);
    });
    if (!opts.fixedNoise) sigma2 = Math.max((rr + sigma2 * dof) / n, 1e-12 * Math.max(vy, 1e-300));
    for (const j of A) {
      if (gamma[j] < 1e-8 * gMax) gamma[j] = 0;
      dMax = Math.max(dMax, Math.abs(gamma[j] - prev[j]));
    }
    if (gMax === 0 || dMax / gMax < tol) {
      it++;
      break;
    }
  }
  const active: number[] = [];
  for (let j = 0; j < d; j++) if (gamma[j] > 0) active.push(j);
  const coef = new Float64Array(d);
  for (const j of active) coef[j] = mu[j];
  return { coef, gamma, sigma2, iterations: it, active };
}
