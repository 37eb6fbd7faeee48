/**
 * Sliding-window attention with attention sinks (StreamingLLM), float64 reference.
 * Causal: key j is visible to query i iff j ≤ i and (i − j < w or j < s).
 * Non-causal: iff |i − j| ≤ ⌊w/2⌋ or j < s.
 */
import { type AttnDims, type AttnResult, attendKeys } from './dense';

export interface WindowOpts extends AttnDims {
  window: number;
  sinks: number;
}

export function windowVisible(o: WindowOpts, i: number, j: number): boolean {
  if (o.causal) return j <= i && (i - j < o.window || j < o.sinks);
  return Math.abs(i - j) <= Math.floor(o.window / 2) || j < o.sinks;
}

/**
 * The visible keys of query i in ascending order: the sinks left of the band, the band, then (non-causal only)
 * the sinks right of the band — a query near the start of a long sequence sees every sink, wherever it lies.
 */
export function windowKeys(o: WindowOpts, i: number): Int32Array {
  const { lo, hi, left, right } = windowRanges(o, i);
  const keys = new Int32Array(left + Math.max(0, hi - lo + 1) + right);
  let t = 0;
  for (let j = 0; j < left; j++) keys[t++] = j;
  for (let j = lo; j <= hi; j++) keys[t++] = j;
  for (let j = hi + 1; j < hi + 1 + right; j++) keys[t++] = j;
  return keys;
}

/** Query i's band [lo, hi], the number of sinks before it, and (non-causal) the sinks after it. */
function windowRanges(o: WindowOpts, i: number): { lo: number; hi: number; left: number; right: number } {
  const half = Math.floor(o.window / 2);
  const lo = o.causal ? Math.max(0, i - o.window + 1) : Math.max(0, i - half);
  const hi = o.causal ? i : Math.min(o.n - 1, i + half);
  const left = Math.min(o.sinks, lo);
  const right = o.causal ? 0 : Math.max(0, Math.min(o.sinks, o.n) - (hi + 1));
  return { lo, hi, left, right };
}

export function windowAttentionRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: WindowOpts,
): AttnResult {
  return attendKeys(q, k, v, o.n, o.d, (i) => windowKeys(o, i));
}

/** Number of visible keys of query i (the length of windowKeys without building it). */
export function windowCount(o: WindowOpts, i: number): number {
  const { lo, hi, left, right } = windowRanges(o, i);
  return left + Math.max(0, hi - lo + 1) + right;
}
