/**
 * Sparse linear regression under local differential privacy (Zhu, Ding, Aggarwal, Xu, Wang,
 * arXiv 2310.07367). Every user privatises their own (x, y) with the Gaussian mechanism before the
 * server sees anything; the server only ever touches the privatised messages.
 *
 * This is the lab's reading of the paper (constants unverified, see docs/methods.md#ldp-estimators):
 * - users truncate x̃_j = sign(x_j)·min(|x_j|, τ_x), ỹ = sign(y)·min(|y|, τ_y);
 * - Gaussian mechanism σ = Δ₂·√(2 ln(1.25/δ))/ε (valid for ε ≤ 1), Δ₂ the ℓ2 sensitivity of the message;
 * - non-interactive: x̃x̃ᵀ + symmetric noise (Δ₂ = 2dτ_x², budget ε/2) and x̃ỹ + noise (Δ₂ = 2√d·τ_xτ_y,
 *   budget ε/2); the server averages, floors the eigenvalues of Σ̂ at its noise level 2σ₁√(d/n),
 *   solves θ̃ = Σ̄⁻¹b̂ and keeps the k largest entries. With public unlabeled x's, Σ̄ comes from them
 *   and the whole budget goes to x̃ỹ.
 * - sequentially interactive (LDP-IHT, Wang & Xu 2019, as corrected in the paper): T = ⌈ln n⌉ disjoint
 *   groups, one round each; a user of round t sends its gradient x̃(x̃ᵀθ − ỹ), clipped to the bound
 *   C = √d·τ_x(τ_x√k′·R + τ_y), plus N(0, σ²I) with Δ₂ = 2C; the server steps θ′ = θ − ηḡ, keeps the
 *   k′ = 2k largest entries and projects onto the ℓ2 ball of radius R.
 * Summing n independent Gaussian noises is exactly one Gaussian with √n times the scale, so for large
 * n·d² the non-interactive server's noise sum is drawn in one go (`perUser: false`): the server's input
 * has the same distribution either way.
 */
import type { Rng } from '../../io/rng';
import { hardThreshold } from './iht';
import { symmetricEigen } from './linalg';

export function gaussianSigma(sensitivity: number, epsilon: number, delta: number): number {
  return (sensitivity * Math.sqrt(2 * Math.log(1.25 / delta))) / epsilon;
}

export const clipValue = (v: number, tau: number) => Math.min(Math.max(v, -tau), tau);

export interface LdpScales {
  tauX: number;
  tauY: number;
  epsilon: number;
  delta: number;
}

/** Noise scales of the non-interactive messages: σ₁ for x̃x̃ᵀ, σ₂ for x̃ỹ. */
export function niSigmas(d: number, s: LdpScales, publicX: boolean) {
  const epsXX = publicX ? 0 : s.epsilon / 2;
  const epsXY = publicX ? s.epsilon : s.epsilon / 2;
  return {
    sigmaXX: publicX ? 0 : gaussianSigma(2 * d * s.tauX * s.tauX, epsXX, s.delta),
    sigmaXY: gaussianSigma(2 * Math.sqrt(d) * s.tauX * s.tauY, epsXY, s.delta),
  };
}

/**
 * One user's non-interactive message: the upper triangle (row-major, i ≤ j) of x̃x̃ᵀ + noise (omitted
 * with public x's) and x̃ỹ + noise. The noise matrix is symmetric: one draw per (i ≤ j).
 */
export function privatizeNi(
  x: ArrayLike<number>,
  y: number,
  s: LdpScales,
  publicX: boolean,
  rng: Rng,
): { xx: Float64Array | null; xy: Float64Array; xt: Float64Array; yt: number } {
  const d = x.length;
  const { sigmaXX, sigmaXY } = niSigmas(d, s, publicX);
  const xt = new Float64Array(d);
  for (let j = 0; j < d; j++) xt[j] = clipValue(x[j], s.tauX);
  const yt = clipValue(y, s.tauY);
  let xx: Float64Array | null = null;
  if (!publicX) {
    xx = new Float64Array((d * (d + 1)) / 2);
    let p = 0;
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) xx[p++] = xt[i] * xt[j] + sigmaXX * rng.normal();
  }
  const xy = new Float64Array(d);
  for (let j = 0; j < d; j++) xy[j] = xt[j] * yt + sigmaXY * rng.normal();
  return { xx, xy, xt, yt };
}

export interface LdpResult {
  coef: Float64Array;
  /** Noise scale of each message part (0 when absent). */
  sigmaXX: number;
  sigmaXY: number;
  /** Eigenvalues floored on the server (non-interactive), rounds (interactive). */
  floored: number;
  rounds: number;
  perUser: boolean;
}

/**
 * The users' clipped statistics before any noise: Σ x̃x̃ᵀ (upper triangle of a d×d array; null with
 * public x's) and Σ x̃ỹ. They do not depend on ε, so a sweep over ε computes them once per data set.
 */
export interface NiSums {
  S: Float64Array | null;
  b: Float64Array;
  tauX: number;
  tauY: number;
}

export function niClippedSums(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  tauX: number,
  tauY: number,
  withXX: boolean,
): NiSums {
  const S = withXX ? new Float64Array(d * d) : null;
  const b = new Float64Array(d);
  const x = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[j] = clipValue(X[i * d + j], tauX);
    const yt = clipValue(y[i], tauY);
    if (S) for (let a = 0; a < d; a++) for (let c = a; c < d; c++) S[a * d + c] += x[a] * x[c];
    for (let j = 0; j < d; j++) b[j] += x[j] * yt;
  }
  return { S, b, tauX, tauY };
}

export function ldpNonInteractive(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  k: number,
  s: LdpScales,
  rng: Rng,
  opts: {
    publicX?: { X: Float64Array; m: number } | null;
    perUser?: boolean;
    /** Precomputed `niClippedSums` of the same X, y and τ's (only with summed noise). */
    sums?: NiSums;
    /** Precomputed `publicCovariance` of `publicX` at the same τ_x (it does not depend on the noise). */
    publicCov?: Float64Array;
  } = {},
): LdpResult {
  const pub = opts.publicX ?? null;
  const publicX = pub !== null;
  const perUser = opts.sums ? false : (opts.perUser ?? n * d * d <= 2e7);
  const { sigmaXX, sigmaXY } = niSigmas(d, s, publicX);
  const S = new Float64Array(d * d); // upper triangle used, then mirrored
  const b = new Float64Array(d);
  const x = new Float64Array(d);
  if (perUser) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) x[j] = X[i * d + j];
      const msg = privatizeNi(x, y[i], s, publicX, rng);
      if (msg.xx) {
        let p = 0;
        for (let a = 0; a < d; a++) for (let c = a; c < d; c++) S[a * d + c] += msg.xx[p++];
      }
      for (let j = 0; j < d; j++) b[j] += msg.xy[j];
    }
  } else {
    // The same clipped statistics; the Gaussian noise sum is added once.
    const sums = opts.sums ?? niClippedSums(X, y, n, d, s.tauX, s.tauY, !publicX);
    if (sums.tauX !== s.tauX || sums.tauY !== s.tauY || (!publicX && !sums.S))
      throw new Error('ldpNonInteractive: the precomputed sums were clipped at other levels');
    if (!publicX && sums.S) S.set(sums.S);
    b.set(sums.b);
    const root = Math.sqrt(n);
    if (!publicX)
      for (let a = 0; a < d; a++) for (let c = a; c < d; c++) S[a * d + c] += root * sigmaXX * rng.normal();
    for (let j = 0; j < d; j++) b[j] += root * sigmaXY * rng.normal();
  }
  for (let j = 0; j < d; j++) b[j] /= n;
  let floor: number;
  if (publicX) {
    S.set(opts.publicCov ?? publicCovariance(pub.X, pub.m, d, s.tauX));
    floor = 1e-8 * s.tauX * s.tauX;
  } else {
    for (let a = 0; a < d; a++) for (let c = a; c < d; c++) S[a * d + c] /= n;
    floor = 2 * sigmaXX * Math.sqrt(d / n);
  }
  for (let a = 0; a < d; a++) for (let c = 0; c < a; c++) S[a * d + c] = S[c * d + a];
  const { theta, floored } = flooredSolve(S, b, d, floor);
  return { coef: hardThreshold(theta, k), sigmaXX, sigmaXY, floored, rounds: 1, perUser };
}

/** (1/m)·Σ x̃x̃ᵀ of the first m public (unlabeled) rows, clipped at τ_x: the upper triangle of a d×d array. */
export function publicCovariance(X: Float64Array, m: number, d: number, tauX: number): Float64Array {
  const S = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) x[j] = clipValue(X[i * d + j], tauX);
    for (let a = 0; a < d; a++) for (let c = a; c < d; c++) S[a * d + c] += x[a] * x[c];
  }
  for (let a = 0; a < d; a++) for (let c = a; c < d; c++) S[a * d + c] /= m;
  return S;
}

/** θ = Σ̄⁻¹b with Σ̄ = V·max(Λ, floor)·Vᵀ. */
export function flooredSolve(
  S: Float64Array,
  b: Float64Array,
  d: number,
  floor: number,
): { theta: Float64Array; floored: number } {
  const { values, V } = symmetricEigen(S, d);
  const theta = new Float64Array(d);
  let floored = 0;
  for (let e = 0; e < d; e++) {
    let lam = values[e];
    if (lam < floor) {
      lam = floor;
      floored++;
    }
    let proj = 0;
    for (let j = 0; j < d; j++) proj += V[j * d + e] * b[j];
    const coef = proj / lam;
    for (let j = 0; j < d; j++) theta[j] += coef * V[j * d + e];
  }
  return { theta, floored };
}

export interface SiOptions {
  radius: number;
  eta?: number;
  rounds?: number;
  /** Draw every user's noise (default when n·d ≤ 2e6) or each round's noise sum at once. */
  perUser?: boolean;
}

/** The gradient bound C of one user's clipped message (see the header). */
export function siClipBound(d: number, kPrime: number, s: LdpScales, radius: number): number {
  return Math.sqrt(d) * s.tauX * (s.tauX * Math.sqrt(kPrime) * radius + s.tauY);
}

/** One user's interactive message: clipped gradient at θ plus N(0, σ²I). */
export function privatizeSi(
  x: ArrayLike<number>,
  y: number,
  theta: ArrayLike<number>,
  bound: number,
  s: LdpScales,
  rng: Rng,
): Float64Array {
  const d = x.length;
  const sigma = gaussianSigma(2 * bound, s.epsilon, s.delta);
  const g = new Float64Array(d);
  let pred = 0;
  for (let j = 0; j < d; j++) {
    g[j] = clipValue(x[j], s.tauX);
    pred += g[j] * theta[j];
  }
  const res = pred - clipValue(y, s.tauY);
  let nrm = 0;
  for (let j = 0; j < d; j++) {
    g[j] *= res;
    nrm += g[j] * g[j];
  }
  nrm = Math.sqrt(nrm);
  const scale = nrm > bound ? bound / nrm : 1;
  for (let j = 0; j < d; j++) g[j] = g[j] * scale + (sigma > 0 ? sigma * rng.normal() : 0);
  return g;
}

export function ldpSequential(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  k: number,
  s: LdpScales,
  rng: Rng,
  opts: SiOptions,
): LdpResult {
  const kPrime = Math.min(2 * k, d);
  const T = Math.max(1, Math.min(opts.rounds ?? Math.ceil(Math.log(n)), n));
  const eta = opts.eta ?? 0.5;
  const R = opts.radius;
  const bound = siClipBound(d, kPrime, s, R);
  const perUser = opts.perUser ?? n * d <= 2e6;
  const sigma = gaussianSigma(2 * bound, s.epsilon, s.delta);
  let theta: Float64Array = new Float64Array(d);
  const g = new Float64Array(d);
  const { tauX, tauY } = s;
  const userNoise = perUser && sigma > 0;
  for (let t = 0; t < T; t++) {
    const lo = Math.floor((t * n) / T);
    const hi = Math.floor(((t + 1) * n) / T);
    const gSum = new Float64Array(d);
    for (let i = lo; i < hi; i++) {
      // privatizeSi, inlined into one reused buffer (a typed array per user is slow at n = 10⁶).
      const row = i * d;
      let pred = 0;
      for (let j = 0; j < d; j++) {
        const xj = clipValue(X[row + j], tauX);
        g[j] = xj;
        pred += xj * theta[j];
      }
      const res = pred - clipValue(y[i], tauY);
      // ‖x̃·res‖ = |res|·‖x̃‖: clip the gradient to the bound C.
      let xx = 0;
      for (let j = 0; j < d; j++) xx += g[j] * g[j];
      const nrm = Math.abs(res) * Math.sqrt(xx);
      const f = nrm > bound ? (res * bound) / nrm : res;
      // Without per-user draws the clipped gradients are summed exactly and the noise sum is added below.
      if (userNoise) for (let j = 0; j < d; j++) gSum[j] += g[j] * f + sigma * rng.normal();
      else for (let j = 0; j < d; j++) gSum[j] += g[j] * f;
    }
    const m = Math.max(1, hi - lo);
    if (!perUser) for (let j = 0; j < d; j++) gSum[j] += Math.sqrt(hi - lo) * sigma * rng.normal();
    const next = new Float64Array(d);
    for (let j = 0; j < d; j++) next[j] = theta[j] - (eta * gSum[j]) / m;
    theta = hardThreshold(next, kPrime);
    let nrm = 0;
    for (let j = 0; j < d; j++) nrm += theta[j] * theta[j];
    nrm = Math.sqrt(nrm);
    if (nrm > R) for (let j = 0; j < d; j++) theta[j] *= R / nrm;
  }
  return {
    coef: theta,
    sigmaXX: 0,
    sigmaXY: sigma,
    floored: 0,
    rounds: T,
    perUser,
  };
}
