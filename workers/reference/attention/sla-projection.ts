/**
 * SLA's output projection without training [lab design]: the paper learns Proj = Linear(d, d) (zero-initialised)
 * by fine-tuning; here Proj(o) = [o, 1]·W is fitted by ridge regression of the residual R = O_dense − O_s on
 * X = [O_l, 1] over calibration rows (a seeded quarter of the query rows), and judged on the other rows.
 *
 * W = (XᵀX + ηI)⁻¹XᵀR. η is chosen by two-fold cross-validation inside the calibration rows among
 * {10⁻³, 10⁻², 10⁻¹, 1, 10}·tr(XᵀX)/(d+1) and η = ∞ (W = 0, the paper's initialisation), so a linear branch
 * that does not generalise falls back to the sparse part alone instead of adding error.
 */
import { Rng } from '../../io/rng';

export type SlaProjection = 'zero' | 'identity' | 'fitted';

const CALIB_STREAM = 0x51a;
export const ETA_SCALES = [1e-3, 1e-2, 1e-1, 1, 10] as const;

/** 1 for the ⌈N/4⌉ calibration rows (seeded), 0 for held-out rows. */
export function calibrationRows(n: number, seed: number): Uint8Array {
  const m = new Uint8Array(n);
  for (const i of new Rng(seed, CALIB_STREAM).sample(n, Math.ceil(n / 4))) m[i] = 1;
  return m;
}

export function zeroProjection(d: number): Float64Array {
  return new Float64Array((d + 1) * d);
}

export function identityProjection(d: number): Float64Array {
  const w = new Float64Array((d + 1) * d);
  for (let c = 0; c < d; c++) w[c * d + c] = 1;
  return w;
}

/** Normal equations of one set of rows: G = XᵀX ((d+1)², X = [O_l, 1]) and B = XᵀR ((d+1)×d). */
export interface Normal {
  d: number;
  g: Float64Array;
  b: Float64Array;
  rows: number;
}

export function emptyNormal(d: number): Normal {
  return { d, g: new Float64Array((d + 1) ** 2), b: new Float64Array((d + 1) * d), rows: 0 };
}

/** Adds rows i with keep(i) of one head (N×d arrays) to `acc`. */
export function addRows(
  acc: Normal,
  os: ArrayLike<number>,
  ol: ArrayLike<number>,
  dense: ArrayLike<number>,
  n: number,
  keep: (i: number) => boolean,
): void {
  const { d, g, b } = acc;
  const D = d + 1;
  const x = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    for (let e = 0; e < d; e++) x[e] = ol[i * d + e];
    x[d] = 1;
    for (let a = 0; a < D; a++) {
      const xa = x[a];
      if (xa === 0) continue;
      for (let c = a; c < D; c++) g[a * D + c] += xa * x[c];
      for (let c = 0; c < d; c++) b[a * d + c] += xa * (dense[i * d + c] - os[i * d + c]);
    }
    acc.rows++;
  }
  for (let a = 0; a < D; a++) for (let c = 0; c < a; c++) g[a * D + c] = g[c * D + a];
}

function merge(a: Normal, b: Normal): Normal {
  return {
    d: a.d,
    g: a.g.map((x, i) => x + b.g[i]),
    b: a.b.map((x, i) => x + b.b[i]),
    rows: a.rows + b.rows,
  };
}

/** W = (G + ηI)⁻¹B by Cholesky; η = Infinity gives W = 0. */
export function solveRidge(nq: Normal, eta: number): Float64Array {
  const { d, g, b } = nq;
  const D = d + 1;
  if (!Number.isFinite(eta)) return zeroProjection(d);
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = g[i * D + j] + (i === j ? eta : 0);
      for (let t = 0; t < j; t++) s -= L[i * D + t] * L[j * D + t];
      if (i === j) L[i * D + i] = Math.sqrt(Math.max(s, 1e-300));
      else L[i * D + j] = s / L[j * D + j];
    }
  }
  const w = new Float64Array(D * d);
  const y = new Float64Array(D);
  for (let c = 0; c < d; c++) {
    for (let i = 0; i < D; i++) {
      let s = b[i * d + c];
      for (let t = 0; t < i; t++) s -= L[i * D + t] * y[t];
      y[i] = s / L[i * D + i];
    }
    for (let i = D - 1; i >= 0; i--) {
      let s = y[i];
      for (let t = i + 1; t < D; t++) s -= L[t * D + i] * w[t * d + c];
      w[i * d + c] = s / L[i * D + i];
    }
  }
  return w;
}

/** Σ over rows with keep(i) of ‖R_i − [O_l,i, 1]W‖² (R = dense − O_s). */
export function residualSq(
  w: ArrayLike<number>,
  os: ArrayLike<number>,
  ol: ArrayLike<number>,
  dense: ArrayLike<number>,
  n: number,
  d: number,
  keep: (i: number) => boolean,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    for (let c = 0; c < d; c++) {
      let p = w[d * d + c];
      for (let e = 0; e < d; e++) p += ol[i * d + e] * w[e * d + c];
      s += (dense[i * d + c] - os[i * d + c] - p) ** 2;
    }
  }
  return s;
}

export interface HeadParts {
  os: ArrayLike<number>;
  ol: ArrayLike<number>;
  dense: ArrayLike<number>;
}

export interface FittedProjection {
  w: Float64Array;
  /** The chosen ridge η as a multiple of tr(XᵀX)/(d+1); Infinity = fell back to W = 0. */
  etaScale: number;
}

/**
 * Fits W on the calibration rows of the given heads (one head: per-head fit; all heads: shared fit),
 * choosing η by two-fold cross-validation inside the calibration rows (η = ∞ included).
 */
export function fitProjection(heads: HeadParts[], n: number, d: number, calib: Uint8Array): FittedProjection {
  const calRows: number[] = [];
  for (let i = 0; i < n; i++) if (calib[i]) calRows.push(i);
  const fold = new Uint8Array(n).fill(2);
  calRows.forEach((i, t) => {
    fold[i] = t % 2;
  });
  const folds = [0, 1].map((f) => {
    const acc = emptyNormal(d);
    for (const h of heads) addRows(acc, h.os, h.ol, h.dense, n, (i) => fold[i] === f);
    return acc;
  });
  const all = merge(folds[0], folds[1]);
  const scale = (nq: Normal) => {
    let tr = 0;
    for (let a = 0; a <= d; a++) tr += nq.g[a * (d + 1) + a];
    return Math.max(tr / (d + 1), 1e-30);
  };
  let best = Number.POSITIVE_INFINITY;
  let bestScale = Number.POSITIVE_INFINITY;
  for (const s of [...ETA_SCALES, Number.POSITIVE_INFINITY]) {
    let err = 0;
    for (const f of [0, 1]) {
      const w = solveRidge(folds[f], s * scale(folds[f]));
      for (const h of heads) err += residualSq(w, h.os, h.ol, h.dense, n, d, (i) => fold[i] === 1 - f);
    }
    // Prefer the simpler (larger η) fit on ties; W = 0 wins only when strictly better.
    if (err < best * (1 - 1e-12) || (Number.isFinite(s) && err < best)) {
      best = err;
      bestScale = s;
    }
  }
  return { w: solveRidge(all, bestScale * scale(all)), etaScale: bestScale };
}

/** Relative ℓ₂ error ‖out − ref‖/‖ref‖ over rows with keep(i). */
export function relL2Rows(
  out: ArrayLike<number>,
  ref: ArrayLike<number>,
  n: number,
  d: number,
  keep: (i: number) => boolean,
): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    for (let c = 0; c < d; c++) {
      num += (out[i * d + c] - ref[i * d + c]) ** 2;
      den += ref[i * d + c] ** 2;
    }
  }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

/** O_s + [O_l, 1]·W, N×d. */
export function applyProjection(
  os: ArrayLike<number>,
  ol: ArrayLike<number>,
  w: ArrayLike<number>,
  n: number,
  d: number,
): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < d; c++) {
      let s = os[i * d + c] + w[d * d + c];
      for (let e = 0; e < d; e++) s += ol[i * d + e] * w[e * d + c];
      out[i * d + c] = s;
    }
  return out;
}
