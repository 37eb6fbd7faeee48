/**
 * Kronecker-structured sparse Bayesian learning (He & Joseph, arXiv 2307.14719; two factors here, their code has
 * three): y = (A₁ ⊗ A₂)x + n, n ~ N(0, σ²I), x ~ N(0, diag(γ₁ ⊗ γ₂)), A_i ∈ ℝ^{m_i×n_i}. Kronecker index of
 * (a, b) is a·n₂ + b; y is read as the m₁×m₂ matrix Y (row-major), so y = (A₁⊗A₂)x ⇔ Y = A₁XA₂ᵀ.
 *
 * E-step without the big inverse: A_iΓ_iA_iᵀ = U_i diag(p_i) U_iᵀ; G_i = Γ_iA_iᵀU_i; M = 1/(σ² + p₁p₂ᵀ)
 * (elementwise, m₁×m₂); μ = vec(G₁[M ∘ (U₁ᵀYU₂)]G₂ᵀ); diag Σ = γ₁⊗γ₂ − vec(G₁∘²·M·(G₂∘²)ᵀ).
 * Λ = μ² + diag Σ (an n₁×n₂ matrix). M-step, AM: alternate γ₁ₐ = mean_b Λ_ab/γ₂_b and γ₂_b = mean_a Λ_ab/γ₁ₐ
 * (over unpruned entries), then fix the gauge γ₁ ← γ₁/‖γ₁‖, γ₂ ← γ₂‖γ₁‖, until γ₁⊗γ₂ moves < 1e-5 (relative);
 * SVD: γ₁ ⊗ γ₂ = the best rank-1 approximation of Λ, γ₁ = |u₁|, γ₂ = |s₁v₁|.
 * Noise (when learnt): σ² ← (‖y − Φμ‖² + σ²Σ_j(1 − Σ_jj/γ_j))/m. Init γ = 1, σ² = 0.1·var(y). Prune factor
 * entries below r·max (r = 1e-2 AM, 1e-3 SVD, 5e-3 with unknown noise); stop at ‖γ − γ_old‖/‖γ_old‖ < tol
 * (1e-4) or maxIter (150). The final μ is recomputed with the last γ.
 */
import { symmetricEigen } from './linalg';

export interface KronFactors {
  A1: Float64Array;
  m1: number;
  n1: number;
  A2: Float64Array;
  m2: number;
  n2: number;
}

export interface KronSblOptions {
  variant?: 'am' | 'svd';
  maxIter?: number;
  tol?: number;
  /** Known noise variance; learnt when absent. */
  sigma2?: number;
  prune?: number;
}

export interface KronSblResult {
  coef: Float64Array;
  gamma1: Float64Array;
  gamma2: Float64Array;
  sigma2: number;
  iterations: number;
  /** Posterior variances diag Σ at the end. */
  diagSigma: Float64Array;
}

/** The E-step: posterior mean and diagonal covariance for γ = γ₁ ⊗ γ₂. */
export function kronEStep(
  f: KronFactors,
  y: ArrayLike<number>,
  g1: Float64Array,
  g2: Float64Array,
  sigma2: number,
): { mu: Float64Array; diag: Float64Array } {
  const { A1, m1, n1, A2, m2, n2 } = f;
  const side = (A: Float64Array, m: number, n: number, g: Float64Array) => {
    const C = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let a = 0; a < n; a++) s += A[i * n + a] * g[a] * A[j * n + a];
        C[i * m + j] = s;
        C[j * m + i] = s;
      }
    const { values, V } = symmetricEigen(C, m);
    // G = ΓAᵀU (n×m).
    const G = new Float64Array(n * m);
    for (let a = 0; a < n; a++) {
      if (g[a] === 0) continue;
      for (let t = 0; t < m; t++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += A[i * n + a] * V[i * m + t];
        G[a * m + t] = g[a] * s;
      }
    }
    return { p: values.map((v) => Math.max(v, 0)), U: V, G };
  };
  const s1 = side(A1, m1, n1, g1);
  const s2 = side(A2, m2, n2, g2);
  const M = new Float64Array(m1 * m2);
  for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) M[i * m2 + j] = 1 / (sigma2 + s1.p[i] * s2.p[j]);
  // W = M ∘ (U₁ᵀ Y U₂).
  const T = new Float64Array(m1 * m2);
  for (let t = 0; t < m1; t++)
    for (let j = 0; j < m2; j++) {
      let s = 0;
      for (let i = 0; i < m1; i++) s += s1.U[i * m1 + t] * y[i * m2 + j];
      T[t * m2 + j] = s;
    }
  const W = new Float64Array(m1 * m2);
  for (let t = 0; t < m1; t++)
    for (let u = 0; u < m2; u++) {
      let s = 0;
      for (let j = 0; j < m2; j++) s += T[t * m2 + j] * s2.U[j * m2 + u];
      W[t * m2 + u] = s * M[t * m2 + u];
    }
  // μ = G₁ W G₂ᵀ; diag Σ = γ − G₁∘² M (G₂∘²)ᵀ.
  const GW = new Float64Array(n1 * m2);
  const GM = new Float64Array(n1 * m2);
  for (let a = 0; a < n1; a++)
    for (let u = 0; u < m2; u++) {
      let s = 0;
      let q = 0;
      for (let t = 0; t < m1; t++) {
        const gt = s1.G[a * m1 + t];
        s += gt * W[t * m2 + u];
        q += gt * gt * M[t * m2 + u];
      }
      GW[a * m2 + u] = s;
      GM[a * m2 + u] = q;
    }
  const mu = new Float64Array(n1 * n2);
  const diag = new Float64Array(n1 * n2);
  for (let a = 0; a < n1; a++)
    for (let b = 0; b < n2; b++) {
      let s = 0;
      let q = 0;
      for (let u = 0; u < m2; u++) {
        const gb = s2.G[b * m2 + u];
        s += GW[a * m2 + u] * gb;
        q += GM[a * m2 + u] * gb * gb;
      }
      mu[a * n2 + b] = s;
      diag[a * n2 + b] = Math.max(g1[a] * g2[b] - q, 0);
    }
  return { mu, diag };
}

/** y − (A₁⊗A₂)x, through Y − A₁XA₂ᵀ. */
export function kronResidual(f: KronFactors, y: ArrayLike<number>, x: Float64Array): Float64Array {
  const { A1, m1, n1, A2, m2, n2 } = f;
  const XA = new Float64Array(n1 * m2);
  for (let a = 0; a < n1; a++)
    for (let j = 0; j < m2; j++) {
      let s = 0;
      for (let b = 0; b < n2; b++) s += x[a * n2 + b] * A2[j * n2 + b];
      XA[a * m2 + j] = s;
    }
  const r = new Float64Array(m1 * m2);
  for (let i = 0; i < m1; i++)
    for (let j = 0; j < m2; j++) {
      let s = 0;
      for (let a = 0; a < n1; a++) s += A1[i * n1 + a] * XA[a * m2 + j];
      r[i * m2 + j] = y[i * m2 + j] - s;
    }
  return r;
}

/** The dense Kronecker product A₁ ⊗ A₂ ((m₁m₂)×(n₁n₂), row-major). */
export function kronDense(f: KronFactors): Float64Array {
  const { A1, m1, n1, A2, m2, n2 } = f;
  const m = m1 * m2;
  const n = n1 * n2;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m1; i++)
    for (let j = 0; j < m2; j++)
      for (let a = 0; a < n1; a++) {
        const v = A1[i * n1 + a];
        if (v === 0) continue;
        for (let b = 0; b < n2; b++) out[(i * m2 + j) * n + a * n2 + b] = v * A2[j * n2 + b];
      }
  return out;
}

export function kroSbl(f: KronFactors, y: ArrayLike<number>, o: KronSblOptions = {}): KronSblResult {
  const { n1, n2, m1, m2 } = f;
  const variant = o.variant ?? 'am';
  const maxIter = o.maxIter ?? 150;
  const tol = o.tol ?? 1e-4;
  const learnNoise = o.sigma2 === undefined;
  const prune = o.prune ?? (learnNoise ? 5e-3 : variant === 'am' ? 1e-2 : 1e-3);
  const m = m1 * m2;
  let mean = 0;
  for (let i = 0; i < m; i++) mean += y[i];
  mean /= m;
  let vy = 0;
  for (let i = 0; i < m; i++) vy += (y[i] - mean) ** 2;
  vy /= m;
  let sigma2 = o.sigma2 ?? Math.max(0.1 * vy, 1e-12);
  // γ₁ unit norm, γ₂ scaled so γ₁ ⊗ γ₂ = 1.
  const g1 = new Float64Array(n1).fill(1 / Math.sqrt(n1));
  const g2 = new Float64Array(n2).fill(Math.sqrt(n1));
  const kron = () => {
    const g = new Float64Array(n1 * n2);
    for (let a = 0; a < n1; a++) for (let b = 0; b < n2; b++) g[a * n2 + b] = g1[a] * g2[b];
    return g;
  };
  let it = 0;
  let e = kronEStep(f, y, g1, g2, sigma2);
  for (; it < maxIter; it++) {
    const old = kron();
    const L = new Float64Array(n1 * n2);
    for (let q = 0; q < L.length; q++) L[q] = e.mu[q] ** 2 + e.diag[q];
    if (variant === 'am') {
      for (let inner = 0; inner < 200; inner++) {
        const before = kron();
        for (let a = 0; a < n1; a++) {
          if (g1[a] === 0) continue;
          let s = 0;
          let c = 0;
          for (let b = 0; b < n2; b++)
            if (g2[b] > 0) {
              s += L[a * n2 + b] / g2[b];
              c++;
            }
          g1[a] = c ? s / c : 0;
        }
        for (let b = 0; b < n2; b++) {
          if (g2[b] === 0) continue;
          let s = 0;
          let c = 0;
          for (let a = 0; a < n1; a++)
            if (g1[a] > 0) {
              s += L[a * n2 + b] / g1[a];
              c++;
            }
          g2[b] = c ? s / c : 0;
        }
        const nrm = Math.hypot(...g1);
        if (nrm > 0) {
          for (let a = 0; a < n1; a++) g1[a] /= nrm;
          for (let b = 0; b < n2; b++) g2[b] *= nrm;
        }
        if (relChange(kron(), before) < 1e-5) break;
      }
    } else {
      const { u, v, s } = rankOne(L, n1, n2);
      for (let a = 0; a < n1; a++) g1[a] = g1[a] > 0 ? Math.abs(u[a]) : 0;
      for (let b = 0; b < n2; b++) g2[b] = g2[b] > 0 ? Math.abs(s * v[b]) : 0;
    }
    for (const g of [g1, g2]) {
      const mx = Math.max(...g);
      for (let q = 0; q < g.length; q++) if (g[q] < prune * mx) g[q] = 0;
    }
    if (learnNoise) {
      const r = kronResidual(f, y, e.mu);
      let rr = 0;
      for (const v of r) rr += v * v;
      let dof = 0;
      for (let q = 0; q < old.length; q++) if (old[q] > 0) dof += 1 - e.diag[q] / old[q];
      sigma2 = Math.max((rr + sigma2 * dof) / m, 1e-12 * Math.max(vy, 1e-300));
    }
    e = kronEStep(f, y, g1, g2, sigma2);
    if (relChange(kron(), old) < tol) {
      it++;
      break;
    }
  }
  return { coef: e.mu, gamma1: g1, gamma2: g2, sigma2, iterations: it, diagSigma: e.diag };
}

function relChange(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let q = 0; q < a.length; q++) {
    num += (a[q] - b[q]) ** 2;
    den += b[q] * b[q];
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}

/** Leading singular triple of an n₁×n₂ matrix by power iteration on LᵀL (nonnegative L: Perron vector). */
function rankOne(L: Float64Array, n1: number, n2: number): { u: Float64Array; v: Float64Array; s: number } {
  let v = new Float64Array(n2).fill(1 / Math.sqrt(n2));
  let u = new Float64Array(n1);
  let s = 0;
  for (let it = 0; it < 500; it++) {
    u = new Float64Array(n1);
    for (let a = 0; a < n1; a++) for (let b = 0; b < n2; b++) u[a] += L[a * n2 + b] * v[b];
    const nu = Math.hypot(...u);
    if (nu === 0) break;
    for (let a = 0; a < n1; a++) u[a] /= nu;
    const nv = new Float64Array(n2);
    for (let a = 0; a < n1; a++) for (let b = 0; b < n2; b++) nv[b] += L[a * n2 + b] * u[a];
    s = Math.hypot(...nv);
    if (s === 0) break;
    for (let b = 0; b < n2; b++) nv[b] /= s;
    const diff = Math.hypot(...nv.map((x, b) => x - v[b]));
    v = nv;
    if (diff < 1e-12) break;
  }
  return { u, v, s };
}
