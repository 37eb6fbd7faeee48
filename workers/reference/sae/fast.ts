/**
 * Faster CPU paths for the SAE's hot loops, each tested against the plain float64 references it
 * replaces (forward.ts `linear`, `sparseTimes`, backward.ts's decoder and encoder gradients):
 *   - `gemmNT`: Y = A·Bᵀ + bias with A (M×K) and B (N×K) both read along K, in 4×4 register blocks
 *     (16 accumulators, 8 loads per 16 multiply-adds) over panels of B that stay in cache;
 *   - `SparseCodes`: the k nonzeros of each row of a TopK code matrix as (index, value) lists, so the
 *     decoder is a gather of k atoms and its gradient a sparse outer product (B·k·d work, not B·m·d).
 * Same float64 arithmetic as the references; only the summation order of the dot products differs.
 */

/** Rows of B per panel: 32 rows × K ≤ 256 doubles stay within a 64 KiB cache. */
const PANEL = 32;

/**
 * out (M×N) = A (M×K) · B (N×K)ᵀ + bias (length N, optional). `upper`: only entries on or above the
 * diagonal are needed (a Gram matrix, mirrored by the caller); 4×4 blocks wholly below it are skipped.
 */
export function gemmNT(
  A: Float64Array,
  Bm: Float64Array,
  M: number,
  N: number,
  K: number,
  bias: Float64Array | null,
  out: Float64Array = new Float64Array(M * N),
  upper = false,
): Float64Array {
  const M4 = M - (M % 4);
  for (let n0 = 0; n0 < N; n0 += PANEL) {
    const n1 = Math.min(N, n0 + PANEL);
    const n4 = n0 + ((n1 - n0) & ~3);
    for (let i = 0; i < M4; i += 4) {
      const a0 = i * K;
      const a1 = a0 + K;
      const a2 = a1 + K;
      const a3 = a2 + K;
      for (let j = n0; j < n4; j += 4) {
        if (upper && j + 3 < i) continue;
        const b0 = j * K;
        const b1 = b0 + K;
        const b2 = b1 + K;
        const b3 = b2 + K;
        let c00 = 0;
        let c01 = 0;
        let c02 = 0;
        let c03 = 0;
        let c10 = 0;
        let c11 = 0;
        let c12 = 0;
        let c13 = 0;
        let c20 = 0;
        let c21 = 0;
        let c22 = 0;
        let c23 = 0;
        let c30 = 0;
        let c31 = 0;
        let c32 = 0;
        let c33 = 0;
        for (let p = 0; p < K; p++) {
          const x0 = A[a0 + p];
          const x1 = A[a1 + p];
          const x2 = A[a2 + p];
          const x3 = A[a3 + p];
          const y0 = Bm[b0 + p];
          const y1 = Bm[b1 + p];
          const y2 = Bm[b2 + p];
          const y3 = Bm[b3 + p];
          c00 += x0 * y0;
          c01 += x0 * y1;
          c02 += x0 * y2;
          c03 += x0 * y3;
          c10 += x1 * y0;
          c11 += x1 * y1;
          c12 += x1 * y2;
          c13 += x1 * y3;
          c20 += x2 * y0;
          c21 += x2 * y1;
          c22 += x2 * y2;
          c23 += x2 * y3;
          c30 += x3 * y0;
          c31 += x3 * y1;
          c32 += x3 * y2;
          c33 += x3 * y3;
        }
        const e0 = bias ? bias[j] : 0;
        const e1 = bias ? bias[j + 1] : 0;
        const e2 = bias ? bias[j + 2] : 0;
        const e3 = bias ? bias[j + 3] : 0;
        let o = i * N + j;
        out[o] = c00 + e0;
        out[o + 1] = c01 + e1;
        out[o + 2] = c02 + e2;
        out[o + 3] = c03 + e3;
        o += N;
        out[o] = c10 + e0;
        out[o + 1] = c11 + e1;
        out[o + 2] = c12 + e2;
        out[o + 3] = c13 + e3;
        o += N;
        out[o] = c20 + e0;
        out[o + 1] = c21 + e1;
        out[o + 2] = c22 + e2;
        out[o + 3] = c23 + e3;
        o += N;
        out[o] = c30 + e0;
        out[o + 1] = c31 + e1;
        out[o + 2] = c32 + e2;
        out[o + 3] = c33 + e3;
      }
      for (let j = n4; j < n1; j++)
        for (let r = i; r < i + 4; r++) out[r * N + j] = dotRow(A, r * K, Bm, j * K, K, bias ? bias[j] : 0);
    }
    for (let r = M4; r < M; r++)
      for (let j = n0; j < n1; j++) out[r * N + j] = dotRow(A, r * K, Bm, j * K, K, bias ? bias[j] : 0);
  }
  return out;
}

function dotRow(A: Float64Array, a: number, Bm: Float64Array, b: number, K: number, init: number): number {
  let s = 0;
  for (let p = 0; p < K; p++) s += A[a + p] * Bm[b + p];
  return s + init;
}

let scratch = new Float64Array(0);

/**
 * The same selection as select.ts `topkRow` (the k largest of row[off .. off+n) among `candidate` ones,
 * ties to the lower index, indices ascending) in O(n): the k-th largest value T by quickselect on a copy,
 * then one ascending scan taking every value above T and the first ones equal to T. Rows with NaN go to
 * `topkRow` itself, so the two never differ.
 */
export function topkFast(
  row: Float64Array,
  off: number,
  n: number,
  k: number,
  candidate?: ArrayLike<number>,
  fallback?: (
    row: Float64Array,
    off: number,
    n: number,
    k: number,
    candidate?: ArrayLike<number>,
  ) => number[],
): number[] {
  if (k <= 0) return [];
  if (scratch.length < n) scratch = new Float64Array(n);
  const s = scratch;
  let cnt = 0;
  let nan = false;
  for (let i = 0; i < n; i++) {
    if (candidate && !candidate[i]) continue;
    const v = row[off + i];
    if (Number.isNaN(v)) nan = true;
    s[cnt++] = v;
  }
  if (nan && fallback) return fallback(row, off, n, k, candidate);
  const out: number[] = [];
  if (cnt <= k) {
    for (let i = 0; i < n; i++) if (!candidate || candidate[i]) out.push(i);
    return out;
  }
  const T = kthLargestInPlace(s, cnt, k);
  let above = 0;
  for (let q = 0; q < cnt; q++) if (s[q] > T) above++;
  let equal = k - above;
  for (let i = 0; i < n; i++) {
    if (candidate && !candidate[i]) continue;
    const v = row[off + i];
    if (v > T) out.push(i);
    else if (v === T && equal > 0) {
      out.push(i);
      equal--;
    }
  }
  return out;
}

/** The k-th largest of s[0 .. len) (k ≥ 1), reordering s (Hoare partitions, median of three). */
function kthLargestInPlace(s: Float64Array, len: number, k: number): number {
  let lo = 0;
  let hi = len - 1;
  const target = k - 1; // position in descending order
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const a = s[lo];
    const b = s[mid];
    const c = s[hi];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (s[i] > pivot) i++;
      while (s[j] < pivot) j--;
      if (i <= j) {
        const t = s[i];
        s[i] = s[j];
        s[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return s[target];
  }
  return s[target];
}
