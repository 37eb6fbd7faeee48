/**
 * Dense softmax attention, float64, plain loops: O = softmax(τQKᵀ [causal mask]) V and
 * LSE_i = log Σ_j e^{τ q_i·k_j}. One head of N×d row-major arrays. `attendKeys` is the shared core of
 * every masked method's reference: each query attends over its own list of visible keys.
 */

export interface AttnDims {
  n: number;
  d: number;
  causal: boolean;
}

export interface AttnResult {
  out: Float64Array;
  /** log Σ_{visible j} e^{τ q_i·k_j}; −∞ for a row that sees no key (its output row is 0). */
  lse: Float64Array;
}

type Vecs = ArrayLike<number>;

/** Each query i attends over the keys `keysOf(i)` (any order, no duplicates). */
export function attendKeys(
  q: Vecs,
  k: Vecs,
  v: Vecs,
  n: number,
  d: number,
  keysOf: (i: number) => ArrayLike<number>,
): AttnResult {
  const r = { out: new Float64Array(n * d), lse: new Float64Array(n) };
  attendKeysInto(r, q, k, v, d, keysOf, 0, n);
  return r;
}

/** Rows [from, to) of `attendKeys`, written into `r` (so a caller can yield between chunks of rows). */
export function attendKeysInto(
  r: AttnResult,
  q: Vecs,
  k: Vecs,
  v: Vecs,
  d: number,
  keysOf: (i: number) => ArrayLike<number>,
  from: number,
  to: number,
): void {
  const { out, lse } = r;
  const tau = 1 / Math.sqrt(d);
  let s = new Float64Array(64);
  for (let i = from; i < to; i++) {
    const keys = keysOf(i);
    const m = keys.length;
    out.fill(0, i * d, (i + 1) * d);
    if (m === 0) {
      lse[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    if (s.length < m) s = new Float64Array(m);
    let max = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < m; t++) {
      const j = keys[t];
      let dot = 0;
      for (let e = 0; e < d; e++) dot += q[i * d + e] * k[j * d + e];
      s[t] = tau * dot;
      if (s[t] > max) max = s[t];
    }
    let sum = 0;
    for (let t = 0; t < m; t++) {
      const p = Math.exp(s[t] - max);
      sum += p;
      const j = keys[t];
      for (let e = 0; e < d; e++) out[i * d + e] += p * v[j * d + e];
    }
    for (let e = 0; e < d; e++) out[i * d + e] /= sum;
    lse[i] = max + Math.log(sum);
  }
}

/** Keys 0..hi−1 as a reusable list (avoids allocating one per row). */
export function rangeKeys(n: number): (hi: number) => Int32Array {
  const all = Int32Array.from({ length: n }, (_, j) => j);
  return (hi) => all.subarray(0, hi);
}

export function denseAttentionRef(q: Vecs, k: Vecs, v: Vecs, o: AttnDims): AttnResult {
  const upTo = rangeKeys(o.n);
  return attendKeys(q, k, v, o.n, o.d, (i) => upTo(o.causal ? i + 1 : o.n));
}

/** Row i of the dense attention matrix P (softmax probabilities), written into `row` (length N). */
export function attentionRow(
  q: Vecs,
  k: Vecs,
  n: number,
  d: number,
  causal: boolean,
  i: number,
  row: Float64Array,
): void {
  const tau = 1 / Math.sqrt(d);
  const hi = causal ? i + 1 : n;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    if (j >= hi) {
      row[j] = 0;
      continue;
    }
    let dot = 0;
    for (let e = 0; e < d; e++) dot += q[i * d + e] * k[j * d + e];
    row[j] = tau * dot;
    if (row[j] > max) max = row[j];
  }
  let sum = 0;
  for (let j = 0; j < hi; j++) sum += row[j] = Math.exp(row[j] - max);
  for (let j = 0; j < hi; j++) row[j] /= sum;
}

/** Runs a single-head reference on each head of H×N×d arrays and concatenates the results. */
export function perHead(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  heads: number,
  n: number,
  d: number,
  fn: (q: Float32Array, k: Float32Array, v: Float32Array, head: number) => AttnResult,
): AttnResult {
  const out = new Float64Array(heads * n * d);
  const lse = new Float64Array(heads * n);
  for (let h = 0; h < heads; h++) {
    const a = h * n * d;
    const r = fn(q.subarray(a, a + n * d), k.subarray(a, a + n * d), v.subarray(a, a + n * d), h);
    out.set(r.out, a);
    lse.set(r.lse, h * n);
  }
  return { out, lse };
}
