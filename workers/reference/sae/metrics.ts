/**
 * What the lab measures about a trained SAE (float64, plain loops):
 * recovery of known features (MMCS = mean over true features of the best |cos| with any atom),
 * the feature density histogram, and the dark matter of the error (arXiv 2410.14670): a ridge fit
 * ê = A·x + c of the SAE error on the input, with FVU on held-out rows and the linear/nonlinear split.
 */

export interface Recovery {
  /** Mean over true features of the max |cos| with an atom. */
  mmcs: number;
  /** Fraction of true features with max |cos| > 0.9. */
  recovered: number;
  /** Per true feature: best |cos| and the atom achieving it. */
  best: Float64Array;
  bestAtom: Int32Array;
}

export function recovery(
  atoms: ArrayLike<number>,
  m: number,
  feats: ArrayLike<number>,
  n: number,
  d: number,
): Recovery {
  const an = norms(atoms, m, d);
  const fn = norms(feats, n, d);
  const best = new Float64Array(n);
  const bestAtom = new Int32Array(n).fill(-1);
  // Row by row, so the m×n matrix is never held.
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += atoms[i * d + q] * feats[j * d + q];
      const den = an[i] * fn[j];
      const v = den > 0 ? Math.abs(s) / den : 0;
      if (v > best[j]) {
        best[j] = v;
        bestAtom[j] = i;
      }
    }
  }
  let s = 0;
  let r = 0;
  for (let j = 0; j < n; j++) {
    s += best[j];
    if (best[j] > 0.9) r++;
  }
  return { mmcs: s / n, recovered: r / n, best, bestAtom };
}

function norms(a: ArrayLike<number>, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let q = 0; q < d; q++) s += a[i * d + q] ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** Histogram of log10 firing frequency; latents that never fired are counted apart (as dead). */
export function densityHistogram(
  freq: ArrayLike<number>,
  bins = 24,
  lo = -6,
  hi = 0,
): { edges: number[]; counts: number[]; dead: number; dense: number } {
  const counts = new Array<number>(bins).fill(0);
  let dead = 0;
  let dense = 0;
  for (let i = 0; i < freq.length; i++) {
    const f = freq[i];
    if (f <= 0) {
      dead++;
      continue;
    }
    if (f > DENSE_FREQUENCY) dense++;
    const t = Math.log10(f);
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((t - lo) / (hi - lo)) * bins)));
    counts[b]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  return { edges, counts, dead, dense };
}

/** A latent firing on more than this fraction of samples counts as dense. */
export const DENSE_FREQUENCY = 0.1;

export interface DarkMatter {
  /** Share of the held-out error's variance the linear fit explains (1 − FVU_lin), may be negative. */
  linearShare: number;
  /** FVU of the linear prediction on held-out rows. */
  fvuLinear: number;
  /** Σ‖e_lin‖² and Σ‖e_nl‖² on held-out rows, as fractions of Σ‖e − ē‖². */
  linearVar: number;
  nonlinearVar: number;
  /** R² of the ridge fit of ‖e‖² on x (the norm probe), held out. */
  normProbeR2: number;
  /** Mean ‖e‖² relative to the data variance, held out (NMSE). */
  errorNmse: number;
  fitRows: number;
  testRows: number;
}

/**
 * Ridge regression e ≈ [x, 1]·W (W (d+1)×d, η = 1e-6·tr(XᵀX)/d on the x part) fitted on `fit` rows and scored
 * on `test` rows. X and E are row-major with `d` columns; `dataVariance` normalises errorNmse.
 */
export function darkMatter(
  Xfit: ArrayLike<number>,
  Efit: ArrayLike<number>,
  nFit: number,
  Xtest: ArrayLike<number>,
  Etest: ArrayLike<number>,
  nTest: number,
  d: number,
  dataVariance: number,
): DarkMatter {
  const p = d + 1;
  // Normal equations with an intercept column; targets: the d error coordinates and ‖e‖².
  const A = new Float64Array(p * p);
  const Bm = new Float64Array(p * (d + 1));
  const row = new Float64Array(p);
  for (let r = 0; r < nFit; r++) {
    for (let j = 0; j < d; j++) row[j] = Xfit[r * d + j];
    row[d] = 1;
    let en = 0;
    for (let j = 0; j < d; j++) en += Efit[r * d + j] ** 2;
    for (let a = 0; a < p; a++) {
      const ra = row[a];
      for (let b = 0; b <= a; b++) A[a * p + b] += ra * row[b];
      for (let t = 0; t < d; t++) Bm[a * (d + 1) + t] += ra * Efit[r * d + t];
      Bm[a * (d + 1) + d] += ra * en;
    }
  }
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) A[a * p + b] = A[b * p + a];
  let tr = 0;
  for (let j = 0; j < d; j++) tr += A[j * p + j];
  const eta = Math.max((1e-6 * tr) / d, 1e-12);
  for (let j = 0; j < d; j++) A[j * p + j] += eta;
  A[d * p + d] += 1e-12;
  const W = solveSpd(A, Bm, p, d + 1);

  let sse = 0;
  let sst = 0;
  let nSse = 0;
  let nSst = 0;
  let esq = 0;
  const mean = new Float64Array(d);
  let nMean = 0;
  for (let r = 0; r < nTest; r++) {
    for (let j = 0; j < d; j++) mean[j] += Etest[r * d + j];
    let en = 0;
    for (let j = 0; j < d; j++) en += Etest[r * d + j] ** 2;
    nMean += en;
  }
  for (let j = 0; j < d; j++) mean[j] /= Math.max(nTest, 1);
  nMean /= Math.max(nTest, 1);
  for (let r = 0; r < nTest; r++) {
    let en = 0;
    let pn = W[d * (d + 1) + d];
    for (let j = 0; j < d; j++) pn += Xtest[r * d + j] * W[j * (d + 1) + d];
    for (let t = 0; t < d; t++) {
      let pr = W[d * (d + 1) + t];
      for (let j = 0; j < d; j++) pr += Xtest[r * d + j] * W[j * (d + 1) + t];
      const e = Etest[r * d + t];
      en += e * e;
      sse += (e - pr) ** 2;
      sst += (e - mean[t]) ** 2;
    }
    esq += en;
    nSse += (en - pn) ** 2;
    nSst += (en - nMean) ** 2;
  }
  const fvu = sst > 0 ? sse / sst : 0;
  return {
    linearShare: 1 - fvu,
    fvuLinear: fvu,
    linearVar: 1 - fvu,
    nonlinearVar: fvu,
    normProbeR2: nSst > 0 ? 1 - nSse / nSst : 0,
    errorNmse: nTest > 0 ? esq / nTest / dataVariance : 0,
    fitRows: nFit,
    testRows: nTest,
  };
}

/** Solves A·X = B for symmetric positive-definite A (p×p) by Cholesky; B is p×q. */
export function solveSpd(A: Float64Array, B: Float64Array, p: number, q: number): Float64Array {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let s = A[j * p + j];
    for (let k = 0; k < j; k++) s -= L[j * p + k] ** 2;
    const ljj = Math.sqrt(Math.max(s, 1e-300));
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let t = A[i * p + j];
      for (let k = 0; k < j; k++) t -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = t / ljj;
    }
  }
  const X = Float64Array.from(B);
  for (let c = 0; c < q; c++) {
    for (let i = 0; i < p; i++) {
      let s = X[i * q + c];
      for (let k = 0; k < i; k++) s -= L[i * p + k] * X[k * q + c];
      X[i * q + c] = s / L[i * p + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = X[i * q + c];
      for (let k = i + 1; k < p; k++) s -= L[k * p + i] * X[k * q + c];
      X[i * q + c] = s / L[i * p + i];
    }
  }
  return X;
}
