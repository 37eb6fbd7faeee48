/**
 * LARS with the Lasso modification (Efron et al. 2004), following scikit-learn's `lars_path(method='lasso')`:
 * at each knot the inactive feature with the largest |correlation| joins (with the sign of its correlation),
 * the path moves along the equiangular direction w_A = A_A·G_A⁻¹s_A until an inactive correlation catches up
 * (γ from the two min⁺ ratios) or an active coefficient would cross zero first (then it is dropped and no
 * feature joins at the next knot). Knots are recorded at α = C/n, C = the largest inactive |correlation|.
 * Correlations are recomputed from the residual at every knot (float64), not updated, so errors do not build.
 */
import { cholesky, cholSolve, matTVec, matVec } from './linalg';

export interface LarsResult {
  /** Breakpoints α_0 > α_1 > … ≥ 0 in the (1/2n) scaling. */
  alphas: Float64Array;
  /** (knots)×d row-major: the solution at each breakpoint. */
  coefs: Float64Array;
  /** Active features at the end, in the order they (last) entered, as scikit-learn's `active`. */
  active: number[];
  /** Every event in order: +j entered, −(j+1) dropped. */
  events: number[];
  knots: number;
}

const TINY32 = 1.1754943508222875e-38; // np.finfo(float32).tiny, scikit-learn's guard in the ratios
const EPS32 = 1.1920928955078125e-7; // np.finfo(float32).eps, the early-stop tolerance on α
const EPS64 = 2.220446049250313e-16;

function minPos(values: number[]): number {
  let m = Number.MAX_VALUE;
  for (const v of values) if (v > 0 && v < m) m = v;
  return m;
}

export function larsLasso(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  opts: { alphaMin?: number; maxIter?: number } = {},
): LarsResult {
  const alphaMin = opts.alphaMin ?? 0;
  const maxIter = opts.maxIter ?? 500;
  const maxFeatures = Math.min(maxIter, d);
  const alphas: number[] = [];
  const coefRows: Float64Array[] = [];
  const active: number[] = [];
  const signs: number[] = [];
  const events: number[] = [];
  const banned = new Set<number>();
  let coef = new Float64Array(d);
  let drop = false;
  let nIter = 0;

  const r = new Float64Array(n);
  const correlations = () => {
    matVec(X, n, d, coef, r);
    for (let i = 0; i < n; i++) r[i] = y[i] - r[i];
    return matTVec(X, n, d, r);
  };

  for (;;) {
    const c = correlations();
    const inActive = new Uint8Array(d);
    for (const j of active) inActive[j] = 1;
    let cIdx = -1;
    let C = 0;
    for (let j = 0; j < d; j++) {
      if (inActive[j] || banned.has(j)) continue;
      if (cIdx < 0 || Math.abs(c[j]) > C) {
        C = Math.abs(c[j]);
        cIdx = j;
      }
    }
    let alpha = C / n;
    if (alpha <= alphaMin + EPS32) {
      if (Math.abs(alpha - alphaMin) > EPS32 && nIter > 0) {
        // Interpolate back to alphaMin between the last two knots.
        const prevAlpha = alphas[nIter - 1];
        const prev = coefRows[nIter - 1];
        const ss = (prevAlpha - alphaMin) / (prevAlpha - alpha);
        for (let j = 0; j < d; j++) coef[j] = prev[j] + ss * (coef[j] - prev[j]);
      }
      alpha = alphaMin;
      alphas.push(alpha);
      coefRows.push(Float64Array.from(coef));
      break;
    }
    alphas.push(alpha);
    coefRows.push(Float64Array.from(coef));
    if (nIter >= maxIter || active.length >= maxFeatures) break;

    if (!drop) {
      if (cIdx < 0) break;
      // Would this column make the active Gram singular (scikit-learn's diag < 1e-7 test)?
      const trial = [...active, cIdx];
      const G = gram(X, n, d, trial);
      const ok = cholesky(G, trial.length);
      const m = trial.length;
      if (!ok || G[(m - 1) * m + (m - 1)] < 1e-7) {
        banned.add(cIdx);
        alphas.pop();
        coefRows.pop();
        continue;
      }
      active.push(cIdx);
      signs.push(Math.sign(c[cIdx]));
      events.push(cIdx);
    }
    if (nIter > 0 && alphas[alphas.length - 2] < alpha) {
      // α rose: numerical noise dominates the remaining correlation (scikit-learn bails out too).
      break;
    }

    const m = active.length;
    const G = gram(X, n, d, active);
    if (!cholesky(G, m)) break;
    let ls = cholSolve(G, m, signs);
    let sum = 0;
    for (let a = 0; a < m; a++) sum += ls[a] * signs[a];
    let AA = 1 / Math.sqrt(sum);
    if (!Number.isFinite(AA)) {
      // Ill-conditioned: add growing multiples of eps to the diagonal, as scikit-learn does.
      for (let i = 0; !Number.isFinite(AA) && i < 60; i++) {
        const G2 = gram(X, n, d, active);
        for (let a = 0; a < m; a++) G2[a * m + a] += 2 ** i * EPS64;
        cholesky(G2, m);
        ls = cholSolve(G2, m, signs);
        let s2 = 0;
        for (let a = 0; a < m; a++) s2 += ls[a] * signs[a];
        AA = 1 / Math.sqrt(Math.max(s2, EPS64));
      }
    }
    for (let a = 0; a < m; a++) ls[a] *= AA;

    // Equiangular direction and the correlation of every inactive feature with it.
    const dir = new Float64Array(d);
    for (let a = 0; a < m; a++) dir[active[a]] = ls[a];
    const u = matVec(X, n, d, dir);
    const corrEq = matTVec(X, n, d, u);
    const g1: number[] = [];
    const g2: number[] = [];
    const inAct = new Uint8Array(d);
    for (const j of active) inAct[j] = 1;
    for (let j = 0; j < d; j++) {
      if (inAct[j]) continue;
      g1.push((C - c[j]) / (AA - corrEq[j] + TINY32));
      g2.push((C + c[j]) / (AA + corrEq[j] + TINY32));
    }
    let gamma = Math.min(minPos(g1), minPos(g2), C / AA);

    drop = false;
    const z = active.map((j, a) => -coef[j] / (ls[a] + TINY32));
    const zPos = minPos(z);
    let dropIdx: number[] = [];
    if (zPos < gamma) {
      dropIdx = z.map((v, a) => (v === zPos ? a : -1)).filter((a) => a >= 0);
      gamma = zPos;
      drop = true;
    }
    nIter++;
    const next = Float64Array.from(coef);
    for (let a = 0; a < m; a++) next[active[a]] = coef[active[a]] + gamma * ls[a];
    coef = next;
    if (drop) {
      for (const a of [...dropIdx].sort((p, q) => q - p)) {
        const j = active[a];
        coef[j] = 0; // exactly on the boundary
        active.splice(a, 1);
        signs.splice(a, 1);
        events.push(-(j + 1));
      }
    }
  }

  const A = alphas.length;
  const coefs = new Float64Array(A * d);
  coefRows.forEach((row, i) => {
    coefs.set(row, i * d);
  });
  return { alphas: Float64Array.from(alphas), coefs, active, events, knots: A };
}

function gram(X: Float64Array, n: number, d: number, cols: number[]): Float64Array {
  const m = cols.length;
  const G = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let a = 0; a < m; a++) {
      const xa = X[row + cols[a]];
      for (let b = 0; b <= a; b++) G[a * m + b] += xa * X[row + cols[b]];
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) G[b * m + a] = G[a * m + b];
  return G;
}
