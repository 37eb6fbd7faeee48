/**
 * Sliding-window attention with attention sinks (StreamingLLM), float64 reference.
 * Causal: key j is visible to query i iff j ≤ i and (i − j < w or j < s).
 * Non-causal: iff |i − j| ≤ ⌊w/2⌋ or j < s.
 */
import { type AttnDims, type AttnResult, attendKeys } from './attention-dense';

export interface WindowOpts extends AttnDims {
  window: number;
  sinks: number;
}

export function windowVisible(o: WindowOpts, i: number, j: number): boolean {
  if (o.causal) return j <= i && (i - j < o.window || j < o.sinks);
  return Math.abs(i - j) <= Math.floor(o.window / 2) || j < o.sinks;
}

/** The visible keys of query i in ascending order: sinks first, then the band. */
export function windowKeys(o: WindowOpts, i: number): Int32Array {
  const lo = o.causal ? Math.max(0, i - o.window + 1) : Math.max(0, i - Math.floor(o.window / 2));
  const hi = o.causal ? i : Math.min(o.n - 1, i + Math.floor(o.window / 2));
  const sinkEnd = Math.min(o.sinks, o.causal ? i + 1 : o.n, lo);
  const keys = new Int32Array(sinkEnd + Math.max(0, hi - lo + 1));
  let t = 0;
  for (let j = 0; j < sinkEnd; j++) keys[t++] = j;
  for (let j = lo; j <= hi; j++) keys[t++] = j;
  return keys;
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
  const half = Math.floor(o.window / 2);
  const lo = o.causal ? Math.max(0, i - o.window + 1) : Math.max(0, i - half);
  const hi = o.causal ? i : Math.min(o.n - 1, i + half);
  return Math.min(o.sinks, o.causal ? i + 1 : o.n, lo) + Math.max(0, hi - lo + 1);
}
