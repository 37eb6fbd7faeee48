/**
 * Elastic net / Lasso by cyclic coordinate descent, scikit-learn's `enet_coordinate_descent`:
 *   minimise (1/2n)‖y − Xw‖² + αρ‖w‖₁ + ½α(1−ρ)‖w‖²   (ρ = l1Ratio; ρ = 1 is the Lasso)
 * run on the n-scaled problem (a = αρn, β = α(1−ρ)n) with the residual R = y − Xw kept up to date,
 * stopping on the duality gap < tol·‖y‖² (checked after sweeps whose largest step is small).
 * Paths follow `enet_path`: scikit-learn's log-spaced α grid, warm-started from the previous α.
 */
import { gemmNT } from '../sae/fast';
import { colSqNorms, dot, matTVec, sqNorm, transpose } from './linalg';

export interface CdResult {
  w: Float64Array;
  gap: number;
  iterations: number;
  converged: boolean;
}

/** A problem prepared once for many α: columns stored contiguously, their squared norms. */
export interface CdProblem {
  n: number;
  d: number;
  y: Float64Array;
  /** Xᵀ, d×n row-major: row j is column j of X. */
  XT: Float64Array;
  colSq: Float64Array;
  /** ‖X_j‖ (for the skipping bounds). */
  colNorm: Float64Array;
  yNormSq: number;
}

export function prepareCd(X: Float64Array, y: Float64Array, n: number, d: number): CdProblem {
  const colSq = colSqNorms(X, n, d);
  return { n, d, y, XT: transpose(X, n, d), colSq, colNorm: colSq.map(Math.sqrt), yNormSq: sqNorm(y) };
}

/**
 * What `enetCd` remembers between calls on one residual: for each feature the last computed X_jᵀR
 * (`c`), the drift counter when it was computed (`at`), and the running drift D = Σ|Δw_k|·‖X_k‖,
 * an upper bound on how far R has moved (‖ΔR‖ ≤ Σ|Δw_k|‖X_k‖). Valid only with the residual it was
 * made for and only while nothing but `enetCd` changes that residual; pass a fresh one otherwise.
 */
export interface CdScreen {
  R: Float64Array;
  c: Float64Array;
  at: Float64Array;
  drift: number;
  /** The largest bound on ‖R‖ any call has used (the rounding margins scale with it). */
  rMax: number;
  /** R at the last gap check (null before one) and X_jᵀ of it for every j. */
  Rref: Float64Array | null;
  cref: Float64Array;
}

export function cdScreen(p: CdProblem, R: Float64Array): CdScreen {
  const at = new Float64Array(p.d).fill(Number.NEGATIVE_INFINITY);
  return { R, c: new Float64Array(p.d), at, drift: 0, rMax: 0, Rref: null, cref: new Float64Array(p.d) };
}

const EPS = 2 ** -52;

/** X_jᵀR over one column of Xᵀ, four accumulators (the loop the JIT runs fastest). */
function colDot(XT: Float64Array, col: number, R: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const n4 = n - (n % 4);
  for (; i < n4; i += 4) {
    s0 += XT[col + i] * R[i];
    s1 += XT[col + i + 1] * R[i + 1];
    s2 += XT[col + i + 2] * R[i + 2];
    s3 += XT[col + i + 3] * R[i + 3];
  }
  for (; i < n; i++) s0 += XT[col + i] * R[i];
  return s0 + s1 + (s2 + s3);
}

/** R −= δ·X_j. */
function colAxpy(XT: Float64Array, col: number, R: Float64Array, n: number, delta: number): void {
  let i = 0;
  const n4 = n - (n % 4);
  for (; i < n4; i += 4) {
    R[i] -= delta * XT[col + i];
    R[i + 1] -= delta * XT[col + i + 1];
    R[i + 2] -= delta * XT[col + i + 2];
    R[i + 3] -= delta * XT[col + i + 3];
  }
  for (; i < n; i++) R[i] -= delta * XT[col + i];
}

/**
 * One solve at (alpha, l1Ratio), warm-started from `w` (updated in place). `R` must hold y − Xw on
 * entry (it is kept current); pass null to have it computed.
 *
 * Same sweeps as scikit-learn's loop (t = X_jᵀR + w_j‖X_j‖², one residual update only when w_j
 * changes), plus exact skipping: a feature at zero whose last X_jᵀR plus the drift bound since then
 * (and a rounding margin) stays below the threshold would compute w_j = 0 again, so its dot product
 * is skipped. That leaves every iterate unchanged (up to summation order); the gap check still reads
 * every feature. Pass `screen` (from `cdScreen`, made for this R) to carry the bounds across a path.
 */
export function enetCd(
  p: CdProblem,
  alpha: number,
  l1Ratio: number,
  w: Float64Array,
  opts: { tol?: number; maxIter?: number; R?: Float64Array | null; screen?: CdScreen | null } = {},
): CdResult {
  const { n, d, XT, colSq } = p;
  const tolRel = opts.tol ?? 1e-4;
  const maxIter = opts.maxIter ?? 1000;
  const a = alpha * l1Ratio * n;
  const beta = alpha * (1 - l1Ratio) * n;
  const R = opts.R ?? residual(p, w);
  const sc = opts.screen && opts.screen.R === R ? opts.screen : cdScreen(p, R);
  const { c, at } = sc;
  const colNorm = p.colNorm;
  // Coordinate descent never increases the objective, so ‖R‖ ≤ √(2F(w_start)) throughout this call.
  let l1 = 0;
  let w2 = 0;
  for (let j = 0; j < d; j++) {
    l1 += Math.abs(w[j]);
    w2 += w[j] * w[j];
  }
  const rBound = Math.max(sc.rMax, Math.sqrt(sqNorm(R) + 2 * a * l1 + beta * w2) * (1 + 1e-9));
  sc.rMax = rBound;
  // Rounding: a dot product of length n errs by ≤ n·ε·‖X_j‖‖R‖; each residual update by ≤ 2ε‖R‖.
  const dotErr = 4 * (n + 4) * EPS * rBound;
  const stepErr = 4 * EPS * rBound;
  const tol = tolRel * p.yNormSq;
  let gap = tol + 1;
  let it = 0;
  let drift = sc.drift;
  const cref = sc.cref;
  // Second bound, from the snapshot at the last gap check: ‖R − Rref‖ tracked exactly and cheaply,
  // ‖R − δX_k − Rref‖² = E² − 2δ(X_kᵀR − X_kᵀRref) + δ²‖X_k‖² with both dot products at hand;
  // recomputed from scratch at each sweep start; `e2Err` bounds the rounding of the running sum.
  const sumErr = 4 * (d + n + 8) * EPS;
  for (; it < maxIter; it++) {
    let wMax = 0;
    let dwMax = 0;
    const Rref = sc.Rref;
    let e2 = 0;
    let e2Err = 0;
    let eStep = 0;
    if (Rref) {
      for (let i = 0; i < n; i++) e2 += (R[i] - Rref[i]) ** 2;
      e2Err = sumErr * e2;
    }
    let eBound = Rref ? Math.sqrt(e2 + e2Err) : Number.POSITIVE_INFINITY;
    let e2Lost = false;
    for (let j = 0; j < d; j++) {
      if (colSq[j] === 0) continue;
      const wj = w[j];
      const nj = colNorm[j];
      if (
        wj === 0 &&
        (Math.abs(c[j]) + nj * (drift - at[j] + dotErr) < a ||
          Math.abs(cref[j]) + nj * (eBound + 2 * dotErr) < a)
      )
        continue;
      const col = j * n;
      const xr = colDot(XT, col, R, n);
      c[j] = xr;
      at[j] = drift;
      const t = xr + wj * colSq[j];
      const mag = Math.abs(t) - a;
      let wNew = mag > 0 ? (t > 0 ? mag : -mag) / (colSq[j] + beta) : 0;
      if (wj !== 0 && wNew === 0) {
        // A coordinate leaving the support: decided as the plain loop (and scikit-learn) does, on
        // X_jᵀ(R + w_jX_j) with the residual put back, so that a coordinate sitting on the threshold to
        // rounding cannot flip in and out forever (which would keep the stopping test from ever firing).
        colAxpy(XT, col, R, n, -wj);
        const t2 = colDot(XT, col, R, n);
        const mag2 = Math.abs(t2) - a;
        wNew = mag2 > 0 ? (t2 > 0 ? mag2 : -mag2) / (colSq[j] + beta) : 0;
        if (wNew !== 0) colAxpy(XT, col, R, n, wNew);
        w[j] = wNew;
        c[j] = t2;
        const ad = Math.abs(wNew - wj);
        drift += (Math.abs(wj) + Math.abs(wNew)) * nj + 2 * stepErr;
        at[j] = drift;
        if (ad > dwMax) dwMax = ad;
        // Two residual updates: the snapshot's running distance is not tracked through them.
        eBound = Number.POSITIVE_INFINITY;
        e2Lost = true;
      } else if (
        wNew !== wj &&
        // Both nonzero and apart by less than the rounding of t (t = X_jᵀR + w_j‖X_j‖² rounds differently
        // from X_jᵀ(R + w_jX_j)): not a step, or such a coordinate could alternate between two values.
        !(
          wj !== 0 &&
          Math.abs(wNew - wj) * (colSq[j] + beta) <= 16 * EPS * (Math.abs(xr) + Math.abs(wj) * colSq[j])
        )
      ) {
        const delta = wNew - wj;
        w[j] = wNew;
        colAxpy(XT, col, R, n, delta);
        const ad = Math.abs(delta);
        drift += ad * nj + stepErr;
        if (ad > dwMax) dwMax = ad;
        if (Rref && !e2Lost) {
          const cross = 2 * delta * (xr - cref[j]);
          const sq = delta * delta * colSq[j];
          e2 += sq - cross;
          e2Err += sumErr * (Math.abs(cross) + sq + Math.abs(e2)) + 4 * ad * nj * dotErr;
          eStep += stepErr;
          eBound = Math.sqrt(Math.max(0, e2) + e2Err) + eStep;
        }
      }
      const aw = Math.abs(wNew);
      if (aw > wMax) wMax = aw;
    }
    if (wMax === 0 || dwMax / wMax < tolRel || it === maxIter - 1) {
      gap = gapAndRefresh(p, w, R, a, beta, sc, drift);
      if (gap < tol) {
        it++;
        break;
      }
    }
  }
  sc.drift = drift;
  return { w, gap, iterations: it, converged: gap < tol };
}

/** `dualityGap`, storing every X_jᵀR it computes as fresh screening bounds. */
function gapAndRefresh(
  p: CdProblem,
  w: Float64Array,
  R: Float64Array,
  a: number,
  beta: number,
  sc: CdScreen,
  drift: number,
): number {
  const { n, d, y, XT } = p;
  let dualNorm = 0;
  for (let j = 0; j < d; j++) {
    const t = colDot(XT, j * n, R, n);
    sc.c[j] = t;
    sc.at[j] = drift;
    sc.cref[j] = t;
    const v = Math.abs(t - beta * w[j]);
    if (v > dualNorm) dualNorm = v;
  }
  if (sc.Rref) sc.Rref.set(R);
  else sc.Rref = Float64Array.from(R);
  return gapFrom(dualNorm, sqNorm(R), dot(R, y), w, a, beta);
}

/**
 * The plain loop kept as the parity reference for `enetCd` (three passes per active coordinate, no
 * skipping): one solve at (alpha, l1Ratio), warm-started from `w` (updated in place). `R` must hold y − Xw on
 * entry (it is kept current); pass null to have it computed.
 */
export function enetCdPlain(
  p: CdProblem,
  alpha: number,
  l1Ratio: number,
  w: Float64Array,
  opts: { tol?: number; maxIter?: number; R?: Float64Array | null } = {},
): CdResult {
  const { n, d, XT, colSq } = p;
  const tolRel = opts.tol ?? 1e-4;
  const maxIter = opts.maxIter ?? 1000;
  const a = alpha * l1Ratio * n;
  const beta = alpha * (1 - l1Ratio) * n;
  const R = opts.R ?? residual(p, w);
  const tol = tolRel * p.yNormSq;
  let gap = tol + 1;
  let it = 0;
  for (; it < maxIter; it++) {
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < d; j++) {
      if (colSq[j] === 0) continue;
      const col = j * n;
      const wj = w[j];
      if (wj !== 0) for (let i = 0; i < n; i++) R[i] += wj * XT[col + i];
      let t = 0;
      for (let i = 0; i < n; i++) t += XT[col + i] * R[i];
      const mag = Math.abs(t) - a;
      const wNew = mag > 0 ? (Math.sign(t) * mag) / (colSq[j] + beta) : 0;
      w[j] = wNew;
      if (wNew !== 0) for (let i = 0; i < n; i++) R[i] -= wNew * XT[col + i];
      dwMax = Math.max(dwMax, Math.abs(wNew - wj));
      wMax = Math.max(wMax, Math.abs(wNew));
    }
    if (wMax === 0 || dwMax / wMax < tolRel || it === maxIter - 1) {
      gap = dualityGap(p, w, R, a, beta);
      if (gap < tol) {
        it++;
        break;
      }
    }
  }
  return { w, gap, iterations: it, converged: gap < tol };
}

/**
 * scikit-learn's `dual_gap_` from our gap: both solvers work on the n-scaled problem
 * (½‖y − Xw‖² + αρn‖w‖₁ + …) and scikit-learn divides its gap by n before reporting it.
 */
export function sklearnDualGap(nScaledGap: number, n: number): number {
  return nScaledGap / n;
}

/** The objective (1/2n)‖y − Xw‖² + αρ‖w‖₁ + ½α(1−ρ)‖w‖² at w. */
export function enetObjective(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  w: ArrayLike<number>,
  alpha: number,
  l1Ratio: number,
): number {
  let rr = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < d; j++) f += X[i * d + j] * w[j];
    rr += (y[i] - f) ** 2;
  }
  let l1 = 0;
  let w2 = 0;
  for (let j = 0; j < d; j++) {
    l1 += Math.abs(w[j]);
    w2 += w[j] * w[j];
  }
  return rr / (2 * n) + alpha * l1Ratio * l1 + 0.5 * alpha * (1 - l1Ratio) * w2;
}

export function residual(p: CdProblem, w: Float64Array): Float64Array {
  const { n, d, y, XT } = p;
  const R = Float64Array.from(y);
  for (let j = 0; j < d; j++) {
    const wj = w[j];
    if (wj === 0) continue;
    for (let i = 0; i < n; i++) R[i] -= wj * XT[j * n + i];
  }
  return R;
}

/** scikit-learn's gap for the n-scaled problem (a = αρn, β = α(1−ρ)n), residual R = y − Xw. */
export function dualityGap(p: CdProblem, w: Float64Array, R: Float64Array, a: number, beta: number): number {
  const { n, d, y, XT } = p;
  let dualNorm = 0;
  for (let j = 0; j < d; j++) {
    let t = 0;
    for (let i = 0; i < n; i++) t += XT[j * n + i] * R[i];
    dualNorm = Math.max(dualNorm, Math.abs(t - beta * w[j]));
  }
  return gapFrom(dualNorm, sqNorm(R), dot(R, y), w, a, beta);
}

/** The gap from its ingredients (shared with FISTA and the GPU path, which compute XᵀR elsewhere). */
export function gapFrom(
  dualNorm: number,
  rNormSq: number,
  rDotY: number,
  w: ArrayLike<number>,
  a: number,
  beta: number,
): number {
  let l1 = 0;
  let w2 = 0;
  for (let j = 0; j < w.length; j++) {
    l1 += Math.abs(w[j]);
    w2 += w[j] * w[j];
  }
  let c: number;
  let gap: number;
  if (dualNorm > a) {
    c = a / dualNorm;
    gap = 0.5 * rNormSq * (1 + c * c);
  } else {
    c = 1;
    gap = rNormSq;
  }
  return gap + a * l1 - c * rDotY + 0.5 * beta * (1 + c * c) * w2;
}

/** α_max = max_j |X_jᵀy| / (n·l1Ratio), the smallest α with w = 0. */
export function alphaMax(X: Float64Array, y: Float64Array, n: number, d: number, l1Ratio: number): number {
  const xty = matTVec(X, n, d, y);
  let m = 0;
  for (const v of xty) m = Math.max(m, Math.abs(v));
  return m / (n * l1Ratio);
}

/** scikit-learn's grid: nAlphas log-spaced values from α_max down to eps·α_max, descending. */
export function alphaGrid(aMax: number, nAlphas: number, eps: number): Float64Array {
  const out = new Float64Array(nAlphas);
  const resolution = 1e-15; // np.finfo(float64).resolution
  if (aMax <= resolution) return out.fill(resolution);
  const lo = Math.log10(aMax * eps);
  const hi = Math.log10(aMax);
  for (let i = 0; i < nAlphas; i++) {
    const t = nAlphas === 1 ? 0 : i / (nAlphas - 1);
    out[nAlphas - 1 - i] = 10 ** (lo + t * (hi - lo));
  }
  return out;
}

export interface PathResult {
  alphas: Float64Array;
  /** A×d row-major: row a solves alphas[a]. */
  coefs: Float64Array;
  gaps: Float64Array;
  iterations: Int32Array;
}

/** `enet_path` (no intercept: X and y as given). */
export function enetPath(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  opts: {
    l1Ratio?: number;
    alphas?: Float64Array;
    nAlphas?: number;
    eps?: number;
    tol?: number;
    maxIter?: number;
    /** Gram-matrix updates: 'auto' (scikit-learn's enet_path default) uses them when n > d. */
    precompute?: boolean | 'auto';
  } = {},
): PathResult {
  const l1Ratio = opts.l1Ratio ?? 1;
  const alphas =
    opts.alphas ?? alphaGrid(alphaMax(X, y, n, d, l1Ratio), opts.nAlphas ?? 100, opts.eps ?? 1e-3);
  const A = alphas.length;
  const coefs = new Float64Array(A * d);
  const gaps = new Float64Array(A);
  const iterations = new Int32Array(A);
  const w = new Float64Array(d);
  const pre = opts.precompute ?? false;
  if (pre === true || (pre === 'auto' && n > d)) {
    const g = prepareGram(X, y, n, d);
    const H = Float64Array.from(g.q);
    for (let k = 0; k < A; k++) {
      const r = enetCdGram(g, alphas[k], l1Ratio, w, { tol: opts.tol, maxIter: opts.maxIter, H });
      coefs.set(w, k * d);
      gaps[k] = r.gap;
      iterations[k] = r.iterations;
    }
    return { alphas, coefs, gaps, iterations };
  }
  const p = prepareCd(X, y, n, d);
  const R = Float64Array.from(y);
  const screen = cdScreen(p, R);
  for (let k = 0; k < A; k++) {
    const r = enetCd(p, alphas[k], l1Ratio, w, { tol: opts.tol, maxIter: opts.maxIter, R, screen });
    coefs.set(w, k * d);
    gaps[k] = r.gap;
    iterations[k] = r.iterations;
  }
  return { alphas, coefs, gaps, iterations };
}

/**
 * Coordinate descent on the Gram matrix (scikit-learn's `precompute=True`, its choice when n > d): with
 * G = XᵀX and q = Xᵀy it keeps H = Xᵀ(y − Xw) = q − Gw, so a coordinate costs d (a column of G), not n.
 * The gap needs ‖R‖² = ‖y‖² − 2wᵀq + wᵀGw and Rᵀy = ‖y‖² − wᵀq. Same sweeps and stopping rule as `enetCd`.
 */
export interface GramProblem {
  n: number;
  d: number;
  /** d×d, symmetric. */
  G: Float64Array;
  q: Float64Array;
  yNormSq: number;
}

export function prepareGram(X: Float64Array, y: Float64Array, n: number, d: number): GramProblem {
  // G = XᵀX as Xᵀ·(Xᵀ)ᵀ in the register-blocked product, then made exactly symmetric.
  const XT = transpose(X, n, d);
  const G = gemmNT(XT, XT, d, d, n, null, new Float64Array(d * d), true);
  for (let j = 0; j < d; j++) for (let l = 0; l < j; l++) G[j * d + l] = G[l * d + j];
  const q = new Float64Array(d);
  for (let j = 0; j < d; j++) q[j] = dot(XT.subarray(j * n, (j + 1) * n), y);
  return { n, d, G, q, yNormSq: sqNorm(y) };
}

/** One solve on the Gram matrix; `H` must hold q − Gw on entry (kept current; null: computed). */
export function enetCdGram(
  p: GramProblem,
  alpha: number,
  l1Ratio: number,
  w: Float64Array,
  opts: { tol?: number; maxIter?: number; H?: Float64Array | null } = {},
): CdResult {
  const { n, d, G, q } = p;
  const tolRel = opts.tol ?? 1e-4;
  const maxIter = opts.maxIter ?? 1000;
  const a = alpha * l1Ratio * n;
  const beta = alpha * (1 - l1Ratio) * n;
  let H = opts.H ?? null;
  if (!H) {
    H = Float64Array.from(q);
    for (let l = 0; l < d; l++) if (w[l] !== 0) for (let j = 0; j < d; j++) H[j] -= G[l * d + j] * w[l];
  }
  const tol = tolRel * p.yNormSq;
  let gap = tol + 1;
  let it = 0;
  for (; it < maxIter; it++) {
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < d; j++) {
      const gjj = G[j * d + j];
      if (gjj === 0) continue;
      const wj = w[j];
      const t = H[j] + wj * gjj;
      const mag = Math.abs(t) - a;
      const wNew = mag > 0 ? (t > 0 ? mag : -mag) / (gjj + beta) : 0;
      if (wNew !== wj) {
        const delta = wNew - wj;
        w[j] = wNew;
        const col = j * d;
        for (let l = 0; l < d; l++) H[l] -= delta * G[col + l];
        const ad = Math.abs(delta);
        if (ad > dwMax) dwMax = ad;
      }
      const aw = Math.abs(wNew);
      if (aw > wMax) wMax = aw;
    }
    if (wMax === 0 || dwMax / wMax < tolRel || it === maxIter - 1) {
      let dualNorm = 0;
      let wq = 0;
      let wH = 0;
      for (let j = 0; j < d; j++) {
        const v = Math.abs(H[j] - beta * w[j]);
        if (v > dualNorm) dualNorm = v;
        wq += w[j] * q[j];
        wH += w[j] * H[j];
      }
      // wᵀGw = wᵀq − wᵀH, so ‖R‖² = ‖y‖² − 2wᵀq + wᵀGw = ‖y‖² − wᵀq − wᵀH.
      const rNormSq = Math.max(0, p.yNormSq - wq - wH);
      gap = gapFrom(dualNorm, rNormSq, p.yNormSq - wq, w, a, beta);
      if (gap < tol) {
        it++;
        break;
      }
    }
  }
  return { w, gap, iterations: it, converged: gap < tol };
}
