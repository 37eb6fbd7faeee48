/** Test helpers for the attention kernels (Node only): golden cases (test/golden.ts) and LSE comparison. */
import { type GoldenCase, golden as goldenCase } from './golden';

export type { GoldenCase };

/** A case of test/fixtures/attention (dense and windowed softmax attention). */
export const golden = (name: string): GoldenCase => goldenCase('attention', name);

/** Max |a − b| over finite entries; ∞ when one side is −∞ and the other is not. */
export function lseDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    if (a[i] === b[i]) continue;
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return Number.POSITIVE_INFINITY;
    m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}
