/**
 * Exact top-k selections used by TopK, BatchTopK, PolySAE and AuxK. Ties are broken towards the lower
 * latent index, the same rule as the GPU radix select, so both pick the same set.
 */

/**
 * Indices (ascending) of the k largest entries of row[off .. off+n), among `candidate` ones when given.
 * Returns fewer than k when fewer candidates exist. A sorted buffer of the best k so far: entries arrive in
 * index order, so an equal value never displaces an earlier one.
 */
export function topkRow(
  row: ArrayLike<number>,
  off: number,
  n: number,
  k: number,
  candidate?: ArrayLike<number>,
): number[] {
  if (k <= 0) return [];
  const vals = new Float64Array(k);
  const idxs = new Int32Array(k);
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (candidate && !candidate[i]) continue;
    const v = row[off + i];
    let pos: number;
    if (size === k) {
      if (!(v > vals[k - 1])) continue;
      pos = k - 1;
    } else pos = size++;
    while (pos > 0 && v > vals[pos - 1]) {
      vals[pos] = vals[pos - 1];
      idxs[pos] = idxs[pos - 1];
      pos--;
    }
    vals[pos] = v;
    idxs[pos] = i;
  }
  return Array.from(idxs.subarray(0, size)).sort((a, b) => a - b);
}

/** The value of the k-th largest entry of `a` (k ≥ 1); −∞ when k exceeds its length. */
export function kthLargest(a: ArrayLike<number>, k: number): number {
  if (k > a.length) return Number.NEGATIVE_INFINITY;
  const s = Float64Array.from(a).sort();
  return s[s.length - k];
}
