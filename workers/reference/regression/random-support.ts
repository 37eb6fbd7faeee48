/**
 * The random-support setting (Chandrasekaran, Meka, Stavropoulos, arXiv 2511.06211) and an exploratory
 * preconditioned Lasso in the framework of Kelner, Koehler, Meka, Rohatgi (arXiv 2106.09207). This is NOT the
 * paper's algorithm (its method sections were not available to us): the dictionary below is the lab's own
 * non-adaptive "spectral band" construction.
 *
 * Fixed designs X (N×d) whose columns are scaled to ‖X_j‖²/N = 1:
 *   gaussian; grouped (d/g near-collinear groups: X_j = G_{:,group(j)} + δZ_j, contiguous groups);
 *   lowrank (G·Wᵀ/√r + δZ); cumsum (column j is the running sum of j + 1 Gaussian columns).
 * Supports: a uniform random k-subset, or an adversarial one (k consecutive indices inside one group; for the
 * other designs, k consecutive columns — the most collinear ones for cumsum).
 * Values: the worst direction on S (the right singular vector of X_S with the smallest singular value) or
 * N(0, 1), scaled to ‖Xw*‖²/N = 1.
 *
 * Dictionary D = [I, P₁, P₂, …], P_s the projector onto the eigenvectors of Σ̂ = XᵀX/N with 0 < λ ≤ λ_max·4^{−s}
 * (bands while any eigenvalue is left). Atoms are weighted by their prediction norm ω_j = ‖XD_j‖/√N, so the Lasso
 * runs on A = XD·diag(1/ω) (unit prediction-norm columns) and ŵ = D·diag(1/ω)·ĉ.
 *
 * Certificate ρ_D(S) at the worst w on S: min Σ_j ω_j|c_j| s.t. Dc = w, divided by ‖Xw‖/√N (= 1 here). For
 * D = I it is ‖w‖₁; for the spectral D it is a weighted basis-pursuit LP, solved by ADMM (the reported value is
 * the weighted ℓ1 norm of the ADMM iterate that satisfies Dc = w exactly, an upper bound converging to the LP value).
 */
import type { Rng } from '../../io/rng';
import { type LarsResult, larsLasso } from './lars';
import { matVec, symmetricEigen } from './linalg';

export type HardDesign = 'gaussian' | 'grouped' | 'lowrank' | 'cumsum';

export interface HardDesignOptions {
  design: HardDesign;
  /** Number of near-collinear groups (grouped design). */
  groups: number;
  /** Perturbation δ (grouped and lowrank designs). */
  delta: number;
  /** Rank r of the low-rank part. */
  rank: number;
}

/** Group of column j: contiguous groups of (about) d/g columns. */
export const groupOf = (j: number, d: number, g: number) => Math.floor((j * g) / d);

/** N×d row-major design with ‖X_j‖²/N = 1 for every column. */
export function hardDesign(N: number, d: number, o: HardDesignOptions, rng: Rng): Float64Array {
  const X = new Float64Array(N * d);
  if (o.design === 'grouped') {
    const g = Math.max(1, Math.min(o.groups, d));
    const G = Float64Array.from({ length: N * g }, () => rng.normal());
    for (let i = 0; i < N; i++)
      for (let j = 0; j < d; j++) X[i * d + j] = G[i * g + groupOf(j, d, g)] + o.delta * rng.normal();
  } else if (o.design === 'lowrank') {
    const r = Math.max(1, o.rank);
    const G = Float64Array.from({ length: N * r }, () => rng.normal());
    const W = Float64Array.from({ length: d * r }, () => rng.normal());
    const s = 1 / Math.sqrt(r);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < d; j++) {
        let acc = 0;
        for (let t = 0; t < r; t++) acc += G[i * r + t] * W[j * r + t];
        X[i * d + j] = s * acc + o.delta * rng.normal();
      }
  } else if (o.design === 'cumsum') {
    for (let i = 0; i < N; i++) {
      let acc = 0;
      for (let j = 0; j < d; j++) {
        acc += rng.normal();
        X[i * d + j] = acc;
      }
    }
  } else {
    for (let q = 0; q < X.length; q++) X[q] = rng.normal();
  }
  scaleColumns(X, N, d);
  return X;
}

/** Scales every nonzero column to ‖X_j‖²/N = 1, in place. */
export function scaleColumns(X: Float64Array, N: number, d: number): void {
  const s = new Float64Array(d);
  for (let i = 0; i < N; i++) for (let j = 0; j < d; j++) s[j] += X[i * d + j] ** 2;
  for (let j = 0; j < d; j++) s[j] = s[j] > 0 ? Math.sqrt(N / s[j]) : 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < d; j++) X[i * d + j] *= s[j];
}

export type SupportDraw = 'random' | 'adversarial';

/** Sorted support indices. Adversarial: k consecutive indices inside one group (grouped) or anywhere. */
export function drawSupport(
  kind: SupportDraw,
  d: number,
  k: number,
  o: HardDesignOptions,
  rng: Rng,
): number[] {
  if (kind === 'random') return rng.sample(d, k).sort((a, b) => a - b);
  if (o.design === 'grouped') {
    const g = Math.max(1, Math.min(o.groups, d));
    // Groups are contiguous; pick one that holds k columns (or k consecutive columns across neighbours).
    const start = Math.ceil((rng.int(g) * d) / g);
    const end = Math.ceil(((groupOf(start, d, g) + 1) * d) / g);
    const room = Math.max(0, end - start - k);
    const s0 = Math.min(start + (room > 0 ? rng.int(room + 1) : 0), d - k);
    return Array.from({ length: k }, (_, i) => s0 + i);
  }
  const s0 = rng.int(d - k + 1);
  return Array.from({ length: k }, (_, i) => s0 + i);
}

/** ‖Xw‖²/N. */
export function predNormSq(X: Float64Array, N: number, d: number, w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < N; i++) {
    let acc = 0;
    for (let j = 0; j < d; j++) if (w[j] !== 0) acc += X[i * d + j] * w[j];
    s += acc * acc;
  }
  return s / N;
}

/** Rescales w in place so ‖Xw‖²/N = 1. */
function toUnitPrediction(X: Float64Array, N: number, d: number, w: Float64Array): void {
  const p = predNormSq(X, N, d, w);
  const s = p > 0 ? 1 / Math.sqrt(p) : 0;
  for (let j = 0; j < d; j++) w[j] *= s;
}

/** The worst direction on S: X_S's right singular vector of the smallest singular value, ‖Xw‖²/N = 1. */
export function worstDirection(X: Float64Array, N: number, d: number, S: number[]): Float64Array {
  const k = S.length;
  const G = new Float64Array(k * k);
  for (let i = 0; i < N; i++)
    for (let a = 0; a < k; a++) {
      const xa = X[i * d + S[a]];
      for (let b = 0; b <= a; b++) G[a * k + b] += xa * X[i * d + S[b]];
    }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) G[b * k + a] = G[a * k + b];
  const { values, V } = symmetricEigen(G, k);
  let lo = 0;
  for (let i = 1; i < k; i++) if (values[i] < values[lo]) lo = i;
  const w = new Float64Array(d);
  // Sign convention: the largest |entry| positive (deterministic across platforms).
  let big = 0;
  for (let a = 0; a < k; a++) if (Math.abs(V[a * k + lo]) > Math.abs(V[big * k + lo])) big = a;
  const sg = V[big * k + lo] < 0 ? -1 : 1;
  S.forEach((j, a) => {
    w[j] = sg * V[a * k + lo];
  });
  toUnitPrediction(X, N, d, w);
  return w;
}

/** N(0, 1) values on S, scaled to ‖Xw‖²/N = 1. */
export function gaussianOn(X: Float64Array, N: number, d: number, S: number[], rng: Rng): Float64Array {
  const w = new Float64Array(d);
  for (const j of S) w[j] = rng.normal();
  toUnitPrediction(X, N, d, w);
  return w;
}

export interface SpectralDictionary {
  d: number;
  N: number;
  /** Positive eigenvalues of Σ̂ (descending) and their unit eigenvectors as the columns of U (d×r). */
  lambdas: Float64Array;
  U: Float64Array;
  r: number;
  /** Band thresholds τ_s and how many of the leading-sorted eigenvectors fall outside each band. */
  taus: number[];
  /** Band s holds the eigenvectors with index ≥ bandStart[s] (eigenvalues sorted descending, so nested). */
  bandStart: number[];
  /** Atoms: d·(1 + bands); ω_j = ‖XD_j‖/√N (0 for a zero atom). */
  m: number;
  omega: Float64Array;
  /** A = XD·diag(1/ω) (N×m, zero columns for zero atoms). */
  A: Float64Array;
  /** κ = λ_max/λ_min over the positive eigenvalues. */
  kappa: number;
}

/** Relative eigenvalue floor under which an eigenvalue of Σ̂ counts as zero. */
export const EIG_FLOOR = 1e-10;

/** Positive eigenpairs of Σ̂ = XᵀX/N, from the smaller of the two Gram matrices. */
export function covarianceEigen(
  X: Float64Array,
  N: number,
  d: number,
): { lambdas: Float64Array; U: Float64Array; r: number } {
  let values: Float64Array;
  let vecs: Float64Array; // d × q
  let q: number;
  if (N < d) {
    const K = new Float64Array(N * N);
    for (let a = 0; a < N; a++)
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += X[a * d + j] * X[b * d + j];
        K[a * N + b] = s / N;
        K[b * N + a] = s / N;
      }
    const e = symmetricEigen(K, N);
    values = e.values;
    q = N;
    // u = Xᵀv/√(Nμ).
    vecs = new Float64Array(d * N);
    for (let t = 0; t < N; t++) {
      const mu = values[t];
      if (!(mu > 0)) continue;
      const s = 1 / Math.sqrt(N * mu);
      for (let a = 0; a < N; a++) {
        const va = e.V[a * N + t] * s;
        if (va === 0) continue;
        for (let j = 0; j < d; j++) vecs[j * N + t] += X[a * d + j] * va;
      }
    }
  } else {
    const C = new Float64Array(d * d);
    for (let i = 0; i < N; i++)
      for (let a = 0; a < d; a++) {
        const xa = X[i * d + a];
        if (xa === 0) continue;
        for (let b = 0; b <= a; b++) C[a * d + b] += xa * X[i * d + b];
      }
    for (let a = 0; a < d; a++)
      for (let b = 0; b <= a; b++) {
        C[a * d + b] /= N;
        C[b * d + a] = C[a * d + b];
      }
    const e = symmetricEigen(C, d);
    values = e.values;
    vecs = e.V;
    q = d;
  }
  const lmax = Math.max(...values);
  const keep = [...values.keys()]
    .filter((t) => values[t] > EIG_FLOOR * lmax)
    .sort((a, b) => values[b] - values[a]);
  const r = keep.length;
  const lambdas = Float64Array.from(keep, (t) => values[t]);
  const U = new Float64Array(d * r);
  keep.forEach((t, c) => {
    for (let j = 0; j < d; j++) U[j * r + c] = vecs[j * q + t];
  });
  return { lambdas, U, r };
}

/** The spectral-band dictionary and the Lasso design A = XD·diag(1/ω). */
export function spectralDictionary(X: Float64Array, N: number, d: number): SpectralDictionary {
  const { lambdas, U, r } = covarianceEigen(X, N, d);
  const lmax = lambdas[0] ?? 0;
  const lmin = lambdas[r - 1] ?? 0;
  const taus: number[] = [];
  const bandStart: number[] = [];
  for (let s = 1; r > 0 && s < 200; s++) {
    const tau = lmax * 4 ** -s;
    if (!(lmin <= tau)) break;
    let start = 0;
    while (start < r && lambdas[start] > tau) start++;
    // A band with the same eigenvectors as the previous one would repeat its atoms exactly: skip it.
    if (bandStart.length && bandStart[bandStart.length - 1] === start) continue;
    taus.push(tau);
    bandStart.push(start);
  }
  const B = taus.length;
  const m = d * (1 + B);
  const omega = new Float64Array(m);
  const A = new Float64Array(N * m);
  // XU (N×r): X u_t.
  const XU = new Float64Array(N * r);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < d; j++) {
      const x = X[i * d + j];
      if (x === 0) continue;
      for (let t = 0; t < r; t++) XU[i * r + t] += x * U[j * r + t];
    }
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < N; i++) s += X[i * d + j] ** 2;
    omega[j] = Math.sqrt(s / N);
    const inv = omega[j] > 0 ? 1 / omega[j] : 0;
    for (let i = 0; i < N; i++) A[i * m + j] = X[i * d + j] * inv;
  }
  for (let b = 0; b < B; b++) {
    const t0 = bandStart[b];
    for (let j = 0; j < d; j++) {
      const col = d * (1 + b) + j;
      // ‖X P e_j‖²/N = Σ_{t in band} λ_t U_jt².
      let s = 0;
      for (let t = t0; t < r; t++) s += lambdas[t] * U[j * r + t] ** 2;
      const w = Math.sqrt(s);
      if (!(w * Math.sqrt(N) > 1e-9)) continue;
      omega[col] = w;
      for (let i = 0; i < N; i++) {
        let acc = 0;
        for (let t = t0; t < r; t++) acc += XU[i * r + t] * U[j * r + t];
        A[i * m + col] = acc / w;
      }
    }
  }
  return { d, N, lambdas, U, r, taus, bandStart, m, omega, A, kappa: lmin > 0 ? lmax / lmin : Infinity };
}

/** w = D·c for unweighted coefficients c (length m). */
export function applyD(D: SpectralDictionary, c: ArrayLike<number>): Float64Array {
  const { d, r, U, bandStart } = D;
  const w = Float64Array.from({ length: d }, (_, j) => c[j]);
  const coord = new Float64Array(r);
  for (let b = 0; b < bandStart.length; b++) {
    const off = d * (1 + b);
    const t0 = bandStart[b];
    coord.fill(0);
    for (let j = 0; j < d; j++) {
      const cj = c[off + j];
      if (cj === 0) continue;
      for (let t = t0; t < r; t++) coord[t] += U[j * r + t] * cj;
    }
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let t = t0; t < r; t++) acc += U[j * r + t] * coord[t];
      w[j] += acc;
    }
  }
  return w;
}

/** Dᵀv (length m). */
export function applyDt(D: SpectralDictionary, v: ArrayLike<number>): Float64Array {
  const { d, r, U, bandStart, m } = D;
  const out = new Float64Array(m);
  for (let j = 0; j < d; j++) out[j] = v[j];
  const coord = new Float64Array(r);
  for (let j = 0; j < d; j++) {
    const vj = v[j];
    if (vj === 0) continue;
    for (let t = 0; t < r; t++) coord[t] += U[j * r + t] * vj;
  }
  for (let b = 0; b < bandStart.length; b++) {
    const off = d * (1 + b);
    const t0 = bandStart[b];
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let t = t0; t < r; t++) acc += U[j * r + t] * coord[t];
      out[off + j] = acc;
    }
  }
  return out;
}

/** (DDᵀ)⁻¹v = v − Σ_t n_t/(1 + n_t)·u_t(u_tᵀv), n_t = number of bands holding eigenvector t. */
function solveDDt(D: SpectralDictionary, v: Float64Array): Float64Array {
  const { d, r, U, bandStart } = D;
  const out = Float64Array.from(v);
  for (let t = 0; t < r; t++) {
    let nt = 0;
    for (const s0 of bandStart) if (t >= s0) nt++;
    if (nt === 0) continue;
    let proj = 0;
    for (let j = 0; j < d; j++) proj += U[j * r + t] * v[j];
    const f = (nt / (1 + nt)) * proj;
    for (let j = 0; j < d; j++) out[j] -= f * U[j * r + t];
  }
  return out;
}

export interface CertificateResult {
  /** Weighted ℓ1 norm Σω_j|c_j| of a feasible c (Dc = w up to rounding). */
  value: number;
  iterations: number;
  /** Relative primal residual ‖x − z‖/‖x‖ at the end. */
  residual: number;
}

/**
 * min Σ_j ω_j|c_j| s.t. Dc = w by ADMM (x: projection onto Dc = w; z: weighted soft threshold; scaled dual u;
 * ρ rebalanced by the residual ratio). Returns the weighted ℓ1 norm of the feasible iterate x.
 */
export function certificate(
  D: SpectralDictionary,
  w: Float64Array,
  opts: { maxIter?: number; tol?: number } = {},
): CertificateResult {
  const { m, omega } = D;
  const maxIter = opts.maxIter ?? 3000;
  const tol = opts.tol ?? 1e-5;
  const project = (v: Float64Array) => {
    const Dv = applyD(D, v);
    for (let j = 0; j < Dv.length; j++) Dv[j] -= w[j];
    const corr = applyDt(D, solveDDt(D, Dv));
    for (let j = 0; j < m; j++) v[j] -= corr[j];
    return v;
  };
  // Start from the least-norm solution.
  let x = project(new Float64Array(m));
  const z = Float64Array.from(x);
  const u = new Float64Array(m);
  let rho = 1 / Math.max(1e-12, Math.max(...Array.from(x, Math.abs)));
  let best = Number.POSITIVE_INFINITY;
  const weighted = (c: Float64Array) => {
    let s = 0;
    for (let j = 0; j < m; j++) if (omega[j] > 0) s += omega[j] * Math.abs(c[j]);
    return s;
  };
  let it = 0;
  let res = 1;
  for (; it < maxIter; it++) {
    const v = new Float64Array(m);
    for (let j = 0; j < m; j++) v[j] = z[j] - u[j];
    x = project(v);
    best = Math.min(best, weighted(x));
    let rn = 0;
    let sn = 0;
    let xn = 0;
    for (let j = 0; j < m; j++) {
      const zOld = z[j];
      const a = x[j] + u[j];
      const t = omega[j] > 0 ? omega[j] / rho : 0;
      z[j] = a > t ? a - t : a < -t ? a + t : omega[j] > 0 ? 0 : a;
      u[j] += x[j] - z[j];
      rn += (x[j] - z[j]) ** 2;
      sn += (z[j] - zOld) ** 2;
      xn += x[j] * x[j];
    }
    res = Math.sqrt(rn / Math.max(xn, 1e-300));
    const dual = rho * Math.sqrt(sn / Math.max(xn, 1e-300));
    if (res < tol && dual < tol) break;
    if (it % 10 === 9) {
      if (res > 10 * dual) {
        rho *= 2;
        for (let j = 0; j < m; j++) u[j] /= 2;
      } else if (dual > 10 * res) {
        rho /= 2;
        for (let j = 0; j < m; j++) u[j] *= 2;
      }
    }
  }
  return { value: best, iterations: it, residual: res };
}

export interface LambdaFit {
  lambda: number;
  /** In-sample prediction error (1/N)‖X(ŵ − w*)‖². */
  err: number;
}

export interface OracleFit {
  /** Estimate at the oracle-best λ of the grid. */
  w: Float64Array;
  best: LambdaFit;
  /** The theory choice λ = 2σ√(2 log p/N) (p = number of columns the Lasso sees). */
  theory: LambdaFit;
  path: LambdaFit[];
  iterations: number;
}

/** λ grid: `points` values log-spaced from `hi` down to `lo`. */
export function lambdaGrid(points = 16, hi = 0.3, lo = 3e-4): number[] {
  return Array.from({ length: points }, (_, i) => hi * (lo / hi) ** (i / Math.max(points - 1, 1)));
}

export interface LassoOptions {
  grid?: number[];
  /** Most LARS steps. */
  maxIter?: number;
}

/**
 * Lasso (1/2N)‖y − Mc‖² + λ‖c‖₁ at every λ of the grid and at the theory λ, read off the exact LARS-lasso path
 * (piecewise linear in λ between knots, so the interpolation is exact). `errOf` gives the in-sample prediction
 * error of coefficients, `toW` maps them to ŵ; the oracle λ is the grid point of least error.
 */
export function lassoOracleOn(
  M: Float64Array,
  y: Float64Array,
  N: number,
  p: number,
  errOf: (c: Float64Array) => number,
  toW: (c: Float64Array) => Float64Array,
  sigma: number,
  o: LassoOptions = {},
): OracleFit {
  const grid = o.grid ?? lambdaGrid();
  const theoryLambda = 2 * sigma * Math.sqrt((2 * Math.log(p)) / N);
  const lo = Math.min(...grid, theoryLambda > 0 ? theoryLambda : Number.POSITIVE_INFINITY);
  const path = larsLasso(M, y, N, p, { alphaMin: lo * 0.999, maxIter: o.maxIter ?? 2000 });
  const at = (lambda: number) => lassoAt(path, p, lambda);
  let best: { fit: LambdaFit; c: Float64Array } | null = null;
  const fits: LambdaFit[] = [];
  for (const lambda of grid) {
    const c = at(lambda);
    const fit = { lambda, err: errOf(c) };
    fits.push(fit);
    if (!best || fit.err < best.fit.err) best = { fit, c };
  }
  const theory = { lambda: theoryLambda, err: theoryLambda > 0 ? errOf(at(theoryLambda)) : Number.NaN };
  return { w: toW(best!.c), best: best!.fit, theory, path: fits, iterations: path.knots };
}

/** The Lasso solution at λ from a LARS path: linear interpolation between the knots around λ. */
export function lassoAt(path: LarsResult, p: number, lambda: number): Float64Array {
  const { alphas, coefs, knots } = path;
  if (knots === 0) return new Float64Array(p);
  if (lambda >= alphas[0]) return coefs.slice(0, p);
  for (let t = 1; t < knots; t++) {
    if (lambda >= alphas[t]) {
      const f = (alphas[t - 1] - lambda) / (alphas[t - 1] - alphas[t]);
      return Float64Array.from(
        { length: p },
        (_, j) => (1 - f) * coefs[(t - 1) * p + j] + f * coefs[t * p + j],
      );
    }
  }
  return coefs.slice((knots - 1) * p, knots * p);
}

/** Plain Lasso on X. */
export function lassoOracle(
  X: Float64Array,
  y: Float64Array,
  N: number,
  d: number,
  wTrue: Float64Array,
  sigma: number,
  o: LassoOptions = {},
): OracleFit {
  return lassoOracleOn(
    X,
    y,
    N,
    d,
    (w) => predErr(X, N, d, w, wTrue),
    (w) => w,
    sigma,
    o,
  );
}

/** The exploratory preconditioned Lasso: the Lasso on A = XD·diag(1/ω), ŵ = D·diag(1/ω)·ĉ. */
export function precondLasso(
  D: SpectralDictionary,
  X: Float64Array,
  y: Float64Array,
  wTrue: Float64Array,
  sigma: number,
  o: LassoOptions = {},
): OracleFit {
  const { N, d, m, A, omega } = D;
  const Xw = matVec(X, N, d, wTrue);
  const toW = (c: Float64Array) =>
    applyD(
      D,
      Float64Array.from(c, (v, j) => (omega[j] > 0 ? v / omega[j] : 0)),
    );
  return lassoOracleOn(
    A,
    y,
    N,
    m,
    (c) => {
      const Ac = matVec(A, N, m, c);
      let s = 0;
      for (let i = 0; i < N; i++) s += (Ac[i] - Xw[i]) ** 2;
      return s / N;
    },
    toW,
    sigma,
    o,
  );
}

/** (1/N)‖X(w − w*)‖². */
export function predErr(
  X: Float64Array,
  N: number,
  d: number,
  w: ArrayLike<number>,
  wTrue: ArrayLike<number>,
): number {
  const diff = Float64Array.from({ length: d }, (_, j) => w[j] - wTrue[j]);
  return predNormSq(X, N, d, diff);
}

/** ‖w‖₁. */
export const l1Norm = (w: ArrayLike<number>) => {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += Math.abs(w[j]);
  return s;
};

/** One preconditioned-Lasso fit at λ (the spectral dictionary of this X; LARS path to λ): ŵ = D·diag(1/ω)·ĉ. */
export function precondLassoAt(
  X: Float64Array,
  y: Float64Array,
  N: number,
  d: number,
  lambda: number,
): { w: Float64Array; atoms: number; bands: number; knots: number } {
  const D = spectralDictionary(X, N, d);
  const path = larsLasso(D.A, y, N, D.m, { alphaMin: lambda, maxIter: 2000 });
  const c = lassoAt(path, D.m, lambda);
  const w = applyD(
    D,
    Float64Array.from(c, (v, j) => (D.omega[j] > 0 ? v / D.omega[j] : 0)),
  );
  return { w, atoms: D.m, bands: D.taus.length, knots: path.knots };
}
