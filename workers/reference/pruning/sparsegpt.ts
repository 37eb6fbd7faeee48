/**
 * SparseGPT (Frantar & Alistarh 2023): row-wise optimal-brain-surgeon pruning with the calibration
 * Hessian H = (2/T)XᵀX + λI, blocked (adaptive masks per block of columns), lazy batched updates.
 * Count-based selection: a block loses exactly ⌊s·rows·|B|⌋ weights, so s = 0 returns W unchanged.
 */
import { cholLower, gramCached, invLower } from './linalg';
import type { Pattern } from './select';

export interface SparseGptOptions {
  percdamp: number;
  blocksize: number;
  /** A given keep-mask (e.g. Wanda's): only the weight update runs, no mask selection. */
  fixedKeep?: Uint8Array;
}

export const SPARSEGPT_DEFAULTS: SparseGptOptions = { percdamp: 0.01, blocksize: 128 };

export interface SparseGptResult {
  keep: Uint8Array;
  pruned: Float64Array;
  /** r_ij = w_ij² / U_jj² at the moment each block's mask was chosen (the selection score). */
  scores: Float64Array;
  /** The damping used in the end (×10 per failed factorisation). */
  lambda: number;
  dampRetries: number;
  /** Input columns whose calibration inputs are all zero: their weights are set to 0. */
  deadColumns: number;
  /** Σ (w − q)² / (2 U_ii²): SparseGPT's own loss bookkeeping. */
  loss: number;
  blocksize: number;
}

/** Upper Cholesky factor U of H⁻¹ (H⁻¹ = UᵀU), by chol(H) → inverse → Cholesky. */
function inverseCholUpper(H: Float64Array, n: number): Float64Array | null {
  const L = cholLower(H, n);
  if (!L) return null;
  const Li = invLower(L, n);
  // H⁻¹ = L⁻ᵀ L⁻¹.
  const Hinv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = j; k < n; k++) s += Li[k * n + i] * Li[k * n + j];
      Hinv[i * n + j] = s;
      Hinv[j * n + i] = s;
    }
  }
  const L2 = cholLower(Hinv, n);
  if (!L2) return null;
  const U = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) U[j * n + i] = L2[i * n + j];
  return U;
}

export function sparseGptPrune(
  W0: ArrayLike<number>,
  X: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
  p: Pattern,
  opts: SparseGptOptions = SPARSEGPT_DEFAULTS,
): SparseGptResult {
  const W = Float64Array.from(W0 as ArrayLike<number>);
  const H = Float64Array.from(gramCached(X, tokens, cols));
  const scale = 2 / Math.max(1, tokens);
  for (let i = 0; i < H.length; i++) H[i] *= scale;
  let deadColumns = 0;
  for (let j = 0; j < cols; j++) {
    if (H[j * cols + j] === 0) {
      deadColumns++;
      H[j * cols + j] = 1;
      for (let i = 0; i < rows; i++) W[i * cols + j] = 0;
    }
  }
  let meanDiag = 0;
  for (let j = 0; j < cols; j++) meanDiag += H[j * cols + j];
  meanDiag /= cols;
  let lambda = opts.percdamp * meanDiag;
  let U: Float64Array | null = null;
  let dampRetries = 0;
  for (; dampRetries < 8; dampRetries++) {
    const Hd = Float64Array.from(H);
    for (let j = 0; j < cols; j++) Hd[j * cols + j] += lambda;
    U = inverseCholUpper(Hd, cols);
    if (U) break;
    lambda = lambda > 0 ? lambda * 10 : 1e-8 * Math.max(meanDiag, 1);
  }
  if (!U) throw new Error('SparseGPT: the calibration Hessian could not be factorised even with damping');

  const fixed = opts.fixedKeep;
  const keep = fixed ? Uint8Array.from(fixed) : new Uint8Array(rows * cols).fill(1);
  const scores = new Float64Array(rows * cols);
  // Blocks must hold whole N:M groups.
  const bs = p.kind === 'nm' ? Math.max(p.m, Math.floor(opts.blocksize / p.m) * p.m) : opts.blocksize;
  let loss = 0;
  for (let i1 = 0; i1 < cols; i1 += bs) {
    const i2 = Math.min(cols, i1 + bs);
    const nb = i2 - i1;
    const Err = new Float64Array(rows * nb);
    if (!fixed && p.kind === 'unstructured') {
      const k = Math.floor(p.sparsity * rows * nb);
      if (k > 0) {
        const idx: number[] = [];
        for (let r = 0; r < rows; r++) {
          for (let c = i1; c < i2; c++) {
            const u = U[c * cols + c];
            scores[r * cols + c] = W[r * cols + c] ** 2 / (u * u);
            idx.push(r * cols + c);
          }
        }
        // Row-major order inside the block is the tie order (lower flat index first).
        idx.sort((a, b) => scores[a] - scores[b] || a - b);
        for (let t = 0; t < k; t++) keep[idx[t]] = 0;
      }
    }
    for (let i = i1; i < i2; i++) {
      if (!fixed && p.kind === 'nm' && (i - i1) % p.m === 0) {
        const size = Math.min(p.m, cols - i);
        const drop = size - Math.min(p.n, size);
        for (let r = 0; r < rows; r++) {
          const idx: number[] = [];
          for (let c = i; c < i + size; c++) {
            const u = U[c * cols + c];
            scores[r * cols + c] = W[r * cols + c] ** 2 / (u * u);
            idx.push(r * cols + c);
          }
          idx.sort((a, b) => scores[a] - scores[b] || a - b);
          for (let t = 0; t < drop; t++) keep[idx[t]] = 0;
        }
      }
      const uii = U[i * cols + i];
      for (let r = 0; r < rows; r++) {
        const w = W[r * cols + i];
        const q = keep[r * cols + i] ? w : 0;
        const e = (w - q) / uii;
        Err[r * nb + (i - i1)] = e;
        if (e === 0) continue;
        loss += (w - q) ** 2 / (2 * uii * uii);
        const ro = r * cols;
        for (let c = i; c < i2; c++) W[ro + c] -= e * U[i * cols + c];
        W[ro + i] = q;
      }
    }
    // Lazy batch update of the columns after the block: W[:, i2:] −= Err · U[B, i2:].
    if (i2 < cols) {
      for (let r = 0; r < rows; r++) {
        for (let b = 0; b < nb; b++) {
          const e = Err[r * nb + b];
          if (e === 0) continue;
          const uo = (i1 + b) * cols;
          const ro = r * cols;
          for (let c = i2; c < cols; c++) W[ro + c] -= e * U[uo + c];
        }
      }
    }
  }
  return { keep, pruned: W, scores, lambda, dampRetries, deadColumns, loss, blocksize: bs };
}
