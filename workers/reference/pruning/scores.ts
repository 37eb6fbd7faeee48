/** Magnitude and Wanda: a score per weight, then count-based selection (no weight update). */
import { applyMask, maskFor, type Pattern } from './select';

/** ‖X_:,j‖₂ over the calibration tokens (X is tokens × cols). */
export function columnNorms(X: ArrayLike<number>, tokens: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let t = 0; t < tokens; t++) for (let j = 0; j < cols; j++) out[j] += X[t * cols + j] ** 2;
  for (let j = 0; j < cols; j++) out[j] = Math.sqrt(out[j]);
  return out;
}

export function magnitudeScores(W: ArrayLike<number>): Float64Array {
  return Float64Array.from(W as ArrayLike<number>, Math.abs);
}

/** S_ij = |W_ij|·‖X_:,j‖₂. */
export function wandaScores(
  W: ArrayLike<number>,
  norms: ArrayLike<number>,
  rows: number,
  cols: number,
): Float64Array {
  const S = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) S[i * cols + j] = Math.abs(W[i * cols + j]) * norms[j];
  return S;
}

export interface MaskResult {
  keep: Uint8Array;
  pruned: Float64Array;
  scores: Float64Array;
}

/** Magnitude pruning; the unstructured group is the whole layer (official) or each row (the variant). */
export function magnitudePrune(
  W: ArrayLike<number>,
  rows: number,
  cols: number,
  p: Pattern,
  group: 'layer' | 'row',
): MaskResult {
  const scores = magnitudeScores(W);
  const keep = maskFor(scores, rows, cols, p, group);
  return { keep, pruned: applyMask(W, keep), scores };
}

/** Wanda: per-row (or N:M) selection on |W|·‖X_col‖. */
export function wandaPrune(
  W: ArrayLike<number>,
  X: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
  p: Pattern,
): MaskResult {
  const scores = wandaScores(W, columnNorms(X, tokens, cols), rows, cols);
  const keep = maskFor(scores, rows, cols, p, 'row');
  return { keep, pruned: applyMask(W, keep), scores };
}
