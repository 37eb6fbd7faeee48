/**
 * R-Sparse-style activation sparsity (Zhang et al., ICLR 2025): per token, input channels whose
 * |x_j|·σ_j is below one per-layer threshold θ skip W and go through a rank-r copy of W instead:
 * y = W(x ⊙ m) + W_r(x ⊙ (1 − m)). σ_j = ‖W_:,j‖₂; r is chosen so MACs/token ≈ (1 − s)·in·out.
 */
import { projectRows, svdRight, svdRightCached } from './linalg';

export interface RSparseBudget {
  /** Mask sparsity target s_m = 1 − (1 − s)α. */
  maskSparsity: number;
  rank: number;
}

export function rsparseBudget(rows: number, cols: number, s: number, alpha: number): RSparseBudget {
  const keptCh = Math.floor(cols * (1 - s) * alpha);
  const rank = Math.floor((cols * rows * (1 - s) - keptCh * rows) / (cols + rows));
  return { maskSparsity: 1 - (1 - s) * alpha, rank: Math.max(0, Math.min(rank, Math.min(rows, cols))) };
}

export interface RSparseResult {
  rank: number;
  maskSparsity: number;
  theta: number;
  /** σ_j (all ones when α = 1, as the official code uses raw |x| then). */
  channelScale: Float64Array;
  /** The rank-r part W_r = W V_r V_rᵀ (rows × cols). */
  lowRank: Float64Array;
  singularValues: Float64Array;
  /** Realised fraction of skipped (x ⊙ (1 − m)) elements on the calibration tokens. */
  calibDensity: number;
}

export function rsparseFit(
  W: ArrayLike<number>,
  Xcal: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
  s: number,
  alpha: number,
): RSparseResult {
  const { maskSparsity, rank } = rsparseBudget(rows, cols, s, alpha);
  const sigmaCh = new Float64Array(cols).fill(1);
  if (alpha < 1) {
    sigmaCh.fill(0);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) sigmaCh[j] += W[i * cols + j] ** 2;
    for (let j = 0; j < cols; j++) sigmaCh[j] = Math.sqrt(sigmaCh[j]);
  }
  const vals = new Float64Array(tokens * cols);
  for (let t = 0; t < tokens; t++)
    for (let j = 0; j < cols; j++) vals[t * cols + j] = Math.abs(Xcal[t * cols + j]) * sigmaCh[j];
  const sorted = Float64Array.from(vals).sort();
  const k = Math.floor(maskSparsity * vals.length);
  const theta = k >= 1 ? sorted[k - 1] : -1;
  let on = 0;
  for (const x of vals) if (x > theta) on++;
  const svd = W instanceof Float64Array ? svdRightCached(W, rows, cols) : svdRight(W, rows, cols);
  const lowRank = projectRows(W, rows, cols, svd.V, svd.r, Math.min(rank, svd.r));
  return {
    rank,
    maskSparsity,
    theta,
    channelScale: sigmaCh,
    lowRank,
    singularValues: svd.sigma,
    calibDensity: on / Math.max(1, vals.length),
  };
}

/** Ŷ (tokens × rows) for inputs X (tokens × cols), and the activation keep-mask (1 = through W). */
export function rsparseForward(
  W: ArrayLike<number>,
  fit: RSparseResult,
  X: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
): { Y: Float64Array; actKeep: Uint8Array } {
  const Y = new Float64Array(tokens * rows);
  const actKeep = new Uint8Array(tokens * cols);
  for (let t = 0; t < tokens; t++) {
    for (let j = 0; j < cols; j++)
      actKeep[t * cols + j] = Math.abs(X[t * cols + j]) * fit.channelScale[j] > fit.theta ? 1 : 0;
    for (let i = 0; i < rows; i++) {
      let y = 0;
      for (let j = 0; j < cols; j++) {
        const x = X[t * cols + j];
        y += (actKeep[t * cols + j] ? W[i * cols + j] : fit.lowRank[i * cols + j]) * x;
      }
      Y[t * rows + i] = y;
    }
  }
  return { Y, actKeep };
}
