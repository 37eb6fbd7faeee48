/**
 * DSnoT (Zhang et al. 2023): training-free mask refinement. Starting from a mask, each row swaps a
 * pruned weight (grown) with a kept one (pruned) to shrink the expected output shift
 * e_i = Σ_{j pruned} W_ij μ_j, keeping the row's (or the N:M group's) count fixed; weights never change.
 */
import type { Pattern } from './select';

export interface DsnotOptions {
  maxCycles: number;
  /** Rows with |e_i| ≤ τ stop (τ in the units of e: per-token means). */
  tau: number;
  /** Accept a swap only if e keeps its initial sign (unstructured; always on for N:M). */
  signCheck: boolean;
  /** Exponent p of the variance in the grow criterion c_ij / v_j^p. */
  powVar: number;
}

export const DSNOT_DEFAULTS: DsnotOptions = { maxCycles: 50, tau: 0, signCheck: true, powVar: 1 };

export interface DsnotResult {
  keep: Uint8Array;
  /** |e_i| per row before and after. */
  errBefore: Float64Array;
  errAfter: Float64Array;
  swaps: number;
  /** Rows whose |e_i| ever rose at an accepted swap (0 with the sign check). */
  rowsIncreased: number;
}

/** μ_j and population variance v_j of each input column over the calibration tokens. */
export function columnMeanVar(X: ArrayLike<number>, tokens: number, cols: number) {
  const mean = new Float64Array(cols);
  const v = new Float64Array(cols);
  for (let t = 0; t < tokens; t++) for (let j = 0; j < cols; j++) mean[j] += X[t * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= Math.max(1, tokens);
  for (let t = 0; t < tokens; t++) for (let j = 0; j < cols; j++) v[j] += (X[t * cols + j] - mean[j]) ** 2;
  for (let j = 0; j < cols; j++) v[j] /= Math.max(1, tokens);
  return { mean, v };
}

export function dsnotRefine(
  W: ArrayLike<number>,
  X: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
  initialKeep: Uint8Array,
  /** The initial importance (Wanda's score by default): a lower score is pruned first. */
  score: ArrayLike<number>,
  p: Pattern,
  opts: DsnotOptions = DSNOT_DEFAULTS,
): DsnotResult {
  const keep = Uint8Array.from(initialKeep);
  const { mean, v } = columnMeanVar(X, tokens, cols);
  const errBefore = new Float64Array(rows);
  const errAfter = new Float64Array(rows);
  const signCheck = p.kind === 'nm' ? true : opts.signCheck;
  let swaps = 0;
  let rowsIncreased = 0;
  const vp = Float64Array.from(v, (x) => Math.max(x, 1e-12) ** opts.powVar);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const c = new Float64Array(cols);
    let e = 0;
    for (let j = 0; j < cols; j++) {
      c[j] = W[o + j] * mean[j];
      if (!keep[o + j]) e += c[j];
    }
    errBefore[i] = Math.abs(e);
    const sigma = Math.sign(e);
    // Grow lists: pruned j with c_j of the sign that reduces e (positive first when e > 0).
    const pruned = Array.from({ length: cols }, (_, j) => j).filter((j) => !keep[o + j]);
    const growPos = pruned.filter((j) => c[j] > 0).sort((a, b) => c[b] / vp[b] - c[a] / vp[a] || a - b);
    const growNeg = pruned.filter((j) => c[j] < 0).sort((a, b) => c[a] / vp[a] - c[b] / vp[b] || a - b);
    // Prune lists (unstructured): kept j by ascending initial score, split by the sign of c_j.
    const kept = Array.from({ length: cols }, (_, j) => j).filter((j) => keep[o + j]);
    kept.sort((a, b) => score[o + a] - score[o + b] || a - b);
    const pruneNeg = kept.filter((j) => c[j] < 0);
    const prunePos = kept.filter((j) => c[j] > 0);
    // N:M: within-group score, pruned positions +∞; a position pruned by a swap gets max + 1.
    const grpScore = Float64Array.from({ length: cols }, (_, j) => (keep[o + j] ? score[o + j] : Infinity));
    let maxScore = 0;
    for (let j = 0; j < cols; j++)
      if (Number.isFinite(grpScore[j])) maxScore = Math.max(maxScore, grpScore[j]);
    const ptr = { gp: 0, gn: 0, pp: 0, pn: 0 };
    let increased = false;
    for (let cycle = 0; cycle < opts.maxCycles; cycle++) {
      if (!(Math.abs(e) > opts.tau) || e === 0) break;
      const positive = e > 0;
      // Grow candidate.
      const gList = positive ? growPos : growNeg;
      const gKey = positive ? 'gp' : 'gn';
      let g = -1;
      while (ptr[gKey] < gList.length && keep[o + gList[ptr[gKey]]]) ptr[gKey]++;
      if (ptr[gKey] < gList.length) g = gList[ptr[gKey]];
      if (g < 0) break;
      // Prune candidate.
      let q = -1;
      let pKey: 'pp' | 'pn' | null = null;
      if (p.kind === 'nm') {
        const g0 = Math.floor(g / p.m) * p.m;
        let best = Infinity;
        for (let j = g0; j < Math.min(cols, g0 + p.m); j++) {
          if (keep[o + j] && grpScore[j] < best) {
            best = grpScore[j];
            q = j;
          }
        }
      } else {
        pKey = positive ? 'pn' : 'pp';
        const pList = positive ? pruneNeg : prunePos;
        while (ptr[pKey] < pList.length && !keep[o + pList[ptr[pKey]]]) ptr[pKey]++;
        if (ptr[pKey] < pList.length) q = pList[ptr[pKey]];
      }
      if (q < 0) break;
      const eNew = e + c[q] - c[g];
      if (signCheck && Math.sign(eNew) !== sigma) break;
      // N:M's in-group choice is not sign-filtered: accept only a swap that shrinks |e| (our addition).
      if (p.kind === 'nm' && !(Math.abs(eNew) < Math.abs(e))) break;
      if (Math.abs(eNew) > Math.abs(e)) increased = true;
      keep[o + g] = 1;
      keep[o + q] = 0;
      ptr[gKey]++;
      if (pKey) ptr[pKey]++;
      if (p.kind === 'nm') {
        grpScore[q] = maxScore + 1;
        grpScore[g] = score[o + g];
      }
      e = eNew;
      swaps++;
    }
    if (increased) rowsIncreased++;
    errAfter[i] = Math.abs(e);
  }
  return { keep, errBefore, errAfter, swaps, rowsIncreased };
}
