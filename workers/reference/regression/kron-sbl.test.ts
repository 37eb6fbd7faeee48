import { describe, expect, it } from 'vitest';
import { Rng } from '../../io/rng';
import { type KronFactors, kronDense, kronEStep, kronResidual, kroSbl } from './kron-sbl';
import { cholesky, cholSolve } from './linalg';
import { sbl } from './sbl';

function factors(m1: number, n1: number, m2: number, n2: number, seed: number): KronFactors {
  const rng = new Rng(seed, 0);
  const g = (m: number, n: number) => Float64Array.from({ length: m * n }, () => rng.normal() / Math.sqrt(m));
  return { A1: g(m1, n1), m1, n1, A2: g(m2, n2), m2, n2 };
}

/** x = x₁ ⊗ x₂ with K nonzeros per factor, y = Φx + σ·noise. */
function problem(f: KronFactors, K: number, sigma: number, seed: number) {
  const rng = new Rng(seed, 1);
  const part = (n: number) => {
    const x = new Float64Array(n);
    for (const j of rng.sample(n, K)) x[j] = rng.sign() * (1 + rng.uniform());
    return x;
  };
  const x1 = part(f.n1);
  const x2 = part(f.n2);
  const x = new Float64Array(f.n1 * f.n2);
  for (let a = 0; a < f.n1; a++) for (let b = 0; b < f.n2; b++) x[a * f.n2 + b] = x1[a] * x2[b];
  const clean = kronResidual(f, new Float64Array(f.m1 * f.m2), x).map((v) => -v);
  const y = clean.map((v) => v + sigma * rng.normal());
  return { x, y };
}

const nmse = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return num / den;
};

describe('Kronecker SBL', () => {
  it('the factored E-step equals the dense posterior (mean and diagonal covariance)', () => {
    const f = factors(4, 5, 3, 6, 1);
    const rng = new Rng(2, 0);
    const g1 = Float64Array.from({ length: 5 }, () => 0.2 + rng.uniform());
    const g2 = Float64Array.from({ length: 6 }, () => 0.2 + rng.uniform());
    g1[2] = 0; // a pruned entry
    const y = Float64Array.from({ length: 12 }, () => rng.normal());
    const s2 = 0.3;
    const { mu, diag } = kronEStep(f, y, g1, g2, s2);
    // Dense: Σ_y = σ²I + ΦΓΦᵀ; μ = ΓΦᵀΣ_y⁻¹y; Σ_ii = γ_i − γ_i²φ_iᵀΣ_y⁻¹φ_i.
    const Phi = kronDense(f);
    const m = 12;
    const n = 30;
    const g = Float64Array.from({ length: n }, (_, q) => g1[Math.floor(q / 6)] * g2[q % 6]);
    const Sy = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        let s = i === j ? s2 : 0;
        for (let q = 0; q < n; q++) s += Phi[i * n + q] * g[q] * Phi[j * n + q];
        Sy[i * m + j] = s;
      }
    expect(cholesky(Sy, m)).toBe(true);
    const z = cholSolve(Sy, m, y);
    for (let q = 0; q < n; q++) {
      let s = 0;
      const col = Float64Array.from({ length: m }, (_, i) => Phi[i * n + q]);
      for (let i = 0; i < m; i++) s += col[i] * z[i];
      expect(mu[q]).toBeCloseTo(g[q] * s, 10);
      const w = cholSolve(Sy, m, col);
      let t = 0;
      for (let i = 0; i < m; i++) t += col[i] * w[i];
      expect(diag[q]).toBeCloseTo(g[q] - g[q] * g[q] * t, 10);
    }
  });

  it('recovers a Kronecker-sparse x (n_i = 16, m_i = 9, K = 2, 30 dB) both variants; SBL on A₁⊗A₂ runs', () => {
    const f = factors(9, 16, 9, 16, 3);
    const { x, y } = problem(f, 2, 0, 4);
    let p = 0;
    for (const v of y) p += v * v;
    const sigma = Math.sqrt(p / y.length / 1000);
    const rng = new Rng(5, 0);
    const noisy = y.map((v) => v + sigma * rng.normal());
    for (const variant of ['am', 'svd'] as const) {
      const r = kroSbl(f, noisy, { variant });
      expect(nmse(r.coef, x)).toBeLessThan(0.01);
      expect(r.gamma1.filter((v) => v > 0).length).toBeLessThanOrEqual(4);
    }
    // Plain SBL on the dense 81×256 A₁⊗A₂ (60 EM iterations, each a Cholesky of the active set) is still far off.
    const s = sbl(kronDense(f), noisy, 81, 256, { tol: 1e-6, maxIter: 60 });
    expect(nmse(s.coef, x)).toBeLessThan(0.5);
  });
});
