/** Output comparisons against dense attention: whole-output and per-row. */

export interface Comparison {
  /** ‖O − O_dense‖ / ‖O_dense‖ over all heads. */
  relL2: number;
  /** Cosine similarity of the flattened outputs. */
  cosine: number;
  /** Mean over rows of the dense attention mass inside the method's mask: exp(LSE_mask − LSE_dense). */
  recall: number | null;
  /** Per (head, row) relative error ‖o_i − d_i‖ / ‖d_i‖ (H×N). */
  rowError: Float64Array;
  /** Per (head, row) kept mass (H×N), when the method has a mask. */
  rowRecall: Float64Array | null;
}

export function compare(
  out: ArrayLike<number>,
  dense: ArrayLike<number>,
  rows: number,
  d: number,
  lse: ArrayLike<number> | null,
  denseLse: ArrayLike<number>,
): Comparison {
  let num = 0;
  let den = 0;
  let dot = 0;
  let nOut = 0;
  const rowError = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let e = 0;
    let r = 0;
    for (let t = i * d; t < (i + 1) * d; t++) {
      const diff = out[t] - dense[t];
      e += diff * diff;
      r += dense[t] * dense[t];
      dot += out[t] * dense[t];
      nOut += out[t] * out[t];
    }
    num += e;
    den += r;
    rowError[i] = Math.sqrt(e / Math.max(r, 1e-30));
  }
  let recall: number | null = null;
  let rowRecall: Float64Array | null = null;
  if (lse) {
    rowRecall = new Float64Array(rows);
    let s = 0;
    for (let i = 0; i < rows; i++) {
      rowRecall[i] = Number.isFinite(lse[i]) ? Math.min(1, Math.exp(lse[i] - denseLse[i])) : 0;
      s += rowRecall[i];
    }
    recall = s / rows;
  }
  return {
    relL2: Math.sqrt(num / Math.max(den, 1e-30)),
    cosine: dot / Math.max(Math.sqrt(nOut * den), 1e-30),
    recall,
    rowError,
    rowRecall,
  };
}

/** Dense (query, key) pairs of one head: N² or N(N+1)/2. */
export const densePairs = (n: number, causal: boolean) => (causal ? (n * (n + 1)) / 2 : n * n);

/** Max (and mean) over groups of rows: a per-row quantity shrunk to `size` entries for a strip. */
export function downsampleRows(
  x: ArrayLike<number>,
  n: number,
  size: number,
): { max: number[]; mean: number[] } {
  const max: number[] = [];
  const mean: number[] = [];
  for (let r = 0; r < size; r++) {
    const a = Math.floor((r * n) / size);
    const b = Math.max(a + 1, Math.floor(((r + 1) * n) / size));
    let m = 0;
    let s = 0;
    for (let i = a; i < b; i++) {
      m = Math.max(m, x[i]);
      s += x[i];
    }
    max.push(round(m));
    mean.push(round(s / (b - a)));
  }
  return { max, mean };
}

/** Four significant digits: keeps the views JSON small. */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}
