/** Small dense float64 helpers for the pruning references (row-major everywhere). */
import { cholesky, symmetricEigen } from '../regression/linalg';

/** G = AᵀA for A (rows × cols): cols × cols. */
export function gram(A: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const G = new Float64Array(cols * cols);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    for (let i = 0; i < cols; i++) {
      const a = A[o + i];
      if (a === 0) continue;
      const gi = i * cols;
      for (let j = i; j < cols; j++) G[gi + j] += a * A[o + j];
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) G[i * cols + j] = G[j * cols + i];
  return G;
}

/** C = A·Bᵀ for A (m × k) and B (n × k): m × n. */
export function mulABt(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[j * k + p];
      C[i * n + j] = s;
    }
  }
  return C;
}

/** C = A·B for A (m × k), B (k × n). */
export function mulAB(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] += a * B[p * n + j];
    }
  }
  return C;
}

/** Lower Cholesky factor of a symmetric positive definite matrix, or null when a pivot fails. */
export function cholLower(A: ArrayLike<number>, m: number): Float64Array | null {
  const L = Float64Array.from(A);
  return cholesky(L, m) ? L : null;
}

/** Inverse of L (lower triangular, m × m): also lower triangular. */
export function invLower(L: Float64Array, m: number): Float64Array {
  const inv = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    inv[j * m + j] = 1 / L[j * m + j];
    for (let i = j + 1; i < m; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s += L[i * m + k] * inv[k * m + j];
      inv[i * m + j] = -s / L[i * m + i];
    }
  }
  return inv;
}

/**
 * Top singular values and right singular vectors of A (rows × cols), from the eigen-decomposition of
 * the smaller Gram matrix. Returns σ (descending, all min(rows, cols)) and V (cols × r, column j = v_j).
 */
export function svdRight(
  A: ArrayLike<number>,
  rows: number,
  cols: number,
): { sigma: Float64Array; V: Float64Array; r: number } {
  const r = Math.min(rows, cols);
  const V = new Float64Array(cols * r);
  const sigma = new Float64Array(r);
  if (cols <= rows) {
    const { values, V: E } = symmetricEigen(gram(A, rows, cols), cols);
    const order = Array.from({ length: cols }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
    for (let j = 0; j < r; j++) {
      sigma[j] = Math.sqrt(Math.max(0, values[order[j]]));
      for (let i = 0; i < cols; i++) V[i * r + j] = E[i * cols + order[j]];
    }
  } else {
    // A Aᵀ = U Σ² Uᵀ; v_j = Aᵀ u_j / σ_j.
    const At = new Float64Array(cols * rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) At[j * rows + i] = A[i * cols + j];
    const { values, V: E } = symmetricEigen(gram(At, cols, rows), rows);
    const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
    for (let j = 0; j < r; j++) {
      const s = Math.sqrt(Math.max(0, values[order[j]]));
      sigma[j] = s;
      if (s <= 1e-300) continue;
      for (let i = 0; i < cols; i++) {
        let v = 0;
        for (let t = 0; t < rows; t++) v += A[t * cols + i] * E[t * rows + order[j]];
        V[i * r + j] = v / s;
      }
    }
  }
  return { sigma, V, r };
}

/** A projected onto the span of the first k columns of V (cols × r): A V_k V_kᵀ. */
export function projectRows(
  A: ArrayLike<number>,
  rows: number,
  cols: number,
  V: Float64Array,
  r: number,
  k: number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  const coef = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    coef.fill(0);
    for (let p = 0; p < cols; p++) {
      const a = A[i * cols + p];
      if (a === 0) continue;
      for (let j = 0; j < k; j++) coef[j] += a * V[p * r + j];
    }
    for (let p = 0; p < cols; p++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += coef[j] * V[p * r + j];
      out[i * cols + p] = s;
    }
  }
  return out;
}

const svdCache = new WeakMap<object, { rows: number; cols: number; out: ReturnType<typeof svdRight> }>();

/** svdRight memoised on the array object (callers never mutate W): a sweep factorises W once. */
export function svdRightCached(A: Float64Array, rows: number, cols: number): ReturnType<typeof svdRight> {
  const hit = svdCache.get(A);
  if (hit && hit.rows === rows && hit.cols === cols) return hit.out;
  const out = svdRight(A, rows, cols);
  svdCache.set(A, { rows, cols, out });
  return out;
}

const gramCache = new WeakMap<object, { rows: number; cols: number; G: Float64Array }>();

/** gram(A) memoised on the array object; the result is shared, so callers must copy before writing. */
export function gramCached(A: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const hit = gramCache.get(A as object);
  if (hit && hit.rows === rows && hit.cols === cols) return hit.G;
  const G = gram(A, rows, cols);
  gramCache.set(A as object, { rows, cols, G });
  return G;
}
