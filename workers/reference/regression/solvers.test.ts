/** The non-golden solvers against each other and against their optimality conditions. */
import { describe, expect, it } from 'vitest';
import { syntheticProblem } from '../../data/regression-synthetic';
import { Rng } from '../../io/rng';
import { alphaGrid, alphaMax, cdScreen, enetCd, enetCdPlain, enetPath, prepareCd } from './enet-cd';
import { fista } from './fista';
import { htp } from './htp';
import { iht } from './iht';
import { larsLasso } from './lars';
import { cholesky, cholSolve, l2Dist, matTVec, matVec, maxAbs, symmetricEigen } from './linalg';
import { omp } from './omp';
import { ridge } from './ridge';
import { sbl } from './sbl';

const design = { design: 'gaussian' as const, rho: 0, normalize: false };
const wOpts = (s: number) => ({ s, wStar: 'pm1' as const, amp: 1, support: 'random' as const });

function relErr(a: ArrayLike<number>, b: ArrayLike<number>) {
  return l2Dist(a, b) / Math.max(Math.sqrt(Array.from(b).reduce((s, v) => s + v * v, 0)), 1e-300);
}

describe('FISTA solves the coordinate-descent objective', () => {
  for (const [l1Ratio, n, d] of [
    [1, 70, 130],
    [0.5, 90, 37],
  ] as const) {
    it(`l1Ratio=${l1Ratio}, ${n}×${d}`, () => {
      const p = syntheticProblem(n, d, design, wOpts(5), 0.3, 3);
      const alpha = 0.05 * alphaMax(p.X, p.y, n, d, l1Ratio);
      const cd = enetCd(prepareCd(p.X, p.y, n, d), alpha, l1Ratio, new Float64Array(d), {
        tol: 1e-12,
        maxIter: 100000,
      });
      const f = fista(p.X, p.y, n, d, alpha, l1Ratio, { tol: 1e-10, maxIter: 20000 });
      expect(f.converged).toBe(true);
      expect(maxAbs(f.w.map((v, j) => v - cd.w[j]))).toBeLessThan(1e-4 * maxAbs(cd.w));
      const ista = fista(p.X, p.y, n, d, alpha, l1Ratio, { tol: 1e-6, maxIter: 50000, accelerate: false });
      expect(ista.iterations).toBeGreaterThan(f.iterations / 4);
      expect(maxAbs(ista.w.map((v, j) => v - cd.w[j]))).toBeLessThan(1e-2 * maxAbs(cd.w));
    });
  }
});

describe('LARS-lasso knots are Lasso solutions', () => {
  it('coordinate descent at each breakpoint α gives the LARS coefficients (d > n)', () => {
    const n = 40;
    const d = 67;
    const p = syntheticProblem(n, d, design, wOpts(4), 0.2, 9);
    const r = larsLasso(p.X, p.y, n, d);
    const cdp = prepareCd(p.X, p.y, n, d);
    const w = new Float64Array(d);
    for (let a = 1; a < Math.min(r.knots, 12); a++) {
      enetCd(cdp, r.alphas[a], 1, w, { tol: 1e-14, maxIter: 200000 });
      const want = r.coefs.subarray(a * d, (a + 1) * d);
      expect(maxAbs(w.map((v, j) => v - want[j]))).toBeLessThan(1e-5 * Math.max(maxAbs(want), 1e-3));
    }
  });
});

describe('greedy and thresholding solvers recover an easy support exactly', () => {
  const n = 100;
  const d = 233;
  const k = 6;
  const p = syntheticProblem(n, d, design, wOpts(k), 0, 21);
  it('OMP', () => {
    const r = omp(p.X, p.y, n, d, k);
    expect([...r.order].sort((a, b) => a - b)).toEqual(p.support);
    expect(relErr(r.coef, p.wTrue)).toBeLessThan(1e-10);
  });
  it('OMP stops at the residual tolerance', () => {
    const noisy = syntheticProblem(n, d, design, wOpts(k), 0.1, 22);
    const r = omp(noisy.X, noisy.y, n, d, 50, 2 * n * 0.01);
    expect(r.order.length).toBeLessThan(50);
    expect(r.residualSq).toBeLessThanOrEqual(2 * n * 0.01);
    expect(r.residualPath.at(-2) ?? Number.POSITIVE_INFINITY).toBeGreaterThan(2 * n * 0.01);
  });
  it('IHT', () => {
    const r = iht(p.X, p.y, n, d, k, { tol: 1e-12, maxIter: 2000 });
    expect(r.support).toEqual(p.support);
    expect(relErr(r.coef, p.wTrue)).toBeLessThan(1e-6);
  });
  it('HTP', () => {
    const r = htp(p.X, p.y, n, d, k);
    expect(r.support).toEqual(p.support);
    expect(relErr(r.coef, p.wTrue)).toBeLessThan(1e-10);
  });
  it('SBL', () => {
    const noisy = syntheticProblem(n, d, design, wOpts(k), 0.01, 23);
    const r = sbl(noisy.X, noisy.y, n, d, { maxIter: 500 });
    const big = Array.from(r.coef, (v, j) => (Math.abs(v) > 0.1 ? j : -1)).filter((j) => j >= 0);
    expect(big).toEqual(noisy.support);
    expect(relErr(r.coef, noisy.wTrue)).toBeLessThan(0.02);
  });
});

describe('sparse Bayesian learning', () => {
  it('one EM step equals the Woodbury-form update γ_i ← μ_i² + γ_i − γ_i²φ_iᵀΣ_y⁻¹φ_i', () => {
    const n = 23;
    const d = 31;
    const p = syntheticProblem(n, d, design, wOpts(3), 0.3, 12);
    const r = sbl(p.X, p.y, n, d, { maxIter: 1, tol: 0 });
    // Σ_y = σ²I + ΦΦᵀ at γ = 1, σ² = 0.1·var(y).
    const mean = p.y.reduce((a, b) => a + b, 0) / n;
    const s2 = (0.1 * p.y.reduce((a, b) => a + (b - mean) ** 2, 0)) / n;
    const Sy = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let v = a === b ? s2 : 0;
        for (let j = 0; j < d; j++) v += p.X[a * d + j] * p.X[b * d + j];
        Sy[a * n + b] = v;
      }
    }
    expect(cholesky(Sy, n)).toBe(true);
    const alphaY = cholSolve(Sy, n, p.y);
    for (let j = 0; j < d; j++) {
      const phi = Array.from({ length: n }, (_, i) => p.X[i * d + j]);
      const mu = phi.reduce((a, v, i) => a + v * alphaY[i], 0);
      const q = cholSolve(Sy, n, phi);
      const sii = 1 - phi.reduce((a, v, i) => a + v * q[i], 0);
      expect(Math.abs(r.gamma[j] - (mu * mu + sii))).toBeLessThan(1e-9);
    }
  });
  it('MacKay updates drive the irrelevant variances towards zero', () => {
    const p = syntheticProblem(120, 60, design, wOpts(5), 0.3, 13);
    const r = sbl(p.X, p.y, 120, 60, { update: 'mackay', maxIter: 300 });
    const minTrue = Math.min(...p.support.map((j) => r.gamma[j]));
    const maxOther = Math.max(...Array.from(r.gamma).filter((_, j) => !p.support.includes(j)));
    expect(maxOther).toBeLessThan(1e-2 * minTrue);
    expect(r.active.length).toBeLessThan(60);
  });
});

describe('ridge', () => {
  for (const [n, d] of [
    [50, 13],
    [20, 45],
  ]) {
    it(`satisfies Xᵀ(y − Xw) = αw at ${n}×${d}`, () => {
      const p = syntheticProblem(n, d, design, wOpts(3), 0.5, 5);
      const alpha = 0.7;
      const { coef } = ridge(p.X, p.y, n, d, alpha);
      const r = matVec(p.X, n, d, coef).map((v, i) => p.y[i] - v);
      const g = matTVec(p.X, n, d, r);
      expect(maxAbs(g.map((v, j) => v - alpha * coef[j]))).toBeLessThan(1e-9 * maxAbs(g) + 1e-12);
    });
  }
  it('α = 0 with d > n interpolates (minimum-norm least squares)', () => {
    const p = syntheticProblem(15, 40, design, wOpts(3), 0.5, 6);
    const { coef } = ridge(p.X, p.y, 15, 40, 0);
    const fit = matVec(p.X, 15, 40, coef);
    expect(maxAbs(fit.map((v, i) => v - p.y[i]))).toBeLessThan(1e-8);
  });
});

describe('symmetric eigen-decomposition', () => {
  it('reconstructs the matrix and orthonormal vectors', () => {
    const m = 23;
    const rng = new Rng(4);
    const A = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) A[i * m + j] = A[j * m + i] = rng.normal();
    const { values, V } = symmetricEigen(A, m);
    let err = 0;
    let orth = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        let o = 0;
        for (let e = 0; e < m; e++) {
          s += V[i * m + e] * values[e] * V[j * m + e];
          o += V[e * m + i] * V[e * m + j];
        }
        err = Math.max(err, Math.abs(s - A[i * m + j]));
        orth = Math.max(orth, Math.abs(o - (i === j ? 1 : 0)));
      }
    }
    expect(err).toBeLessThan(1e-10);
    expect(orth).toBeLessThan(1e-10);
  });
});

describe('fast coordinate descent (skipping, unrolled loops) against the plain loop', () => {
  it('same sweeps and the same path to rounding, d > n and an elastic net', () => {
    for (const [l1Ratio, n, d] of [
      [1, 61, 203],
      [0.7, 97, 45],
    ] as const) {
      const p = syntheticProblem(n, d, design, wOpts(6), 0.4, 21);
      const alphas = alphaGrid(alphaMax(p.X, p.y, n, d, l1Ratio), 30, 1e-3);
      const prob = prepareCd(p.X, p.y, n, d);
      const wf = new Float64Array(d);
      const wp = new Float64Array(d);
      const Rf = Float64Array.from(p.y);
      const Rp = Float64Array.from(p.y);
      const screen = cdScreen(prob, Rf);
      let worst = 0;
      for (const alpha of alphas) {
        const f = enetCd(prob, alpha, l1Ratio, wf, { tol: 1e-6, R: Rf, screen });
        const q = enetCdPlain(prob, alpha, l1Ratio, wp, { tol: 1e-6, R: Rp });
        expect(f.iterations).toBe(q.iterations);
        worst = Math.max(worst, maxAbs(wf.map((v, j) => v - wp[j])) / Math.max(maxAbs(wp), 1e-300));
      }
      expect(worst).toBeLessThan(1e-11);
      expect(maxAbs(wf)).toBeGreaterThan(0);
    }
  });
});

describe('Gram-matrix coordinate descent (n ≫ d) against the residual loop', () => {
  it('same sweeps and path to rounding, Lasso and elastic net', () => {
    for (const [l1Ratio, n, d] of [
      [1, 301, 23],
      [0.6, 157, 41],
    ] as const) {
      const p = syntheticProblem(n, d, design, wOpts(5), 0.3, 33);
      const alphas = alphaGrid(alphaMax(p.X, p.y, n, d, l1Ratio), 25, 1e-3);
      const g = enetPath(p.X, p.y, n, d, { l1Ratio, alphas, tol: 1e-8, precompute: true });
      const r = enetPath(p.X, p.y, n, d, { l1Ratio, alphas, tol: 1e-8, precompute: false });
      // Sweep counts may differ by one where a coordinate sits on the threshold to rounding (at α_max).
      for (let a = 0; a < alphas.length; a++)
        expect(Math.abs(g.iterations[a] - r.iterations[a])).toBeLessThanOrEqual(1);
      const top = maxAbs(r.coefs);
      expect(top).toBeGreaterThan(0);
      expect(maxAbs(g.coefs.map((v, q) => v - r.coefs[q]))).toBeLessThan(1e-10 * top);
      for (let a = 0; a < alphas.length; a++)
        expect(Math.abs(g.gaps[a] - r.gaps[a])).toBeLessThan(1e-8 * p.y.length);
    }
  });
});
