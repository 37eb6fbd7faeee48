/** Mask agreement: identical kept sets agree, near-tie swaps count as agreement, other swaps do not. */
import { describe, expect, it } from 'vitest';
import { rowAgreement } from './mask-agreement';

describe('mask agreement', () => {
  const order = [3, 1, 4, 0, 2];
  const scores = [0.5, 0.9, 0.1, 1.0, 0.7];
  const sel = { order, score: (j: number) => scores[j], keep: 2 };
  it('counts identical selections as full agreement', () => {
    expect(rowAgreement(sel, new Set([3, 1]), 1e-6)).toEqual({ union: 2, agree: 2, mismatches: 0, ties: 0 });
  });
  it('counts a swap across a near-tie as agreement, and a swap across a clear gap as a mismatch', () => {
    const tied = { ...sel, score: (j: number) => (j === 4 ? 0.9 - 1e-7 : scores[j]) };
    expect(rowAgreement(tied, new Set([3, 4]), 1e-6)).toEqual({ union: 3, agree: 3, mismatches: 0, ties: 2 });
    expect(rowAgreement(sel, new Set([3, 4]), 1e-6)).toEqual({ union: 3, agree: 1, mismatches: 2, ties: 0 });
    expect(rowAgreement(sel, new Set([3, 2]), 1e-6).mismatches).toBe(2);
  });
  it('ignores blocks both sides always keep', () => {
    const r = rowAgreement({ ...sel, forced: new Set([2]) }, new Set([3, 1]), 1e-6);
    expect(r).toEqual({ union: 3, agree: 3, mismatches: 0, ties: 0 });
  });
  it('top-p: one block more or less is a near-tie only where the mass threshold allows that count', () => {
    // Counts 2..3 are within rounding of the threshold: rank 2 (block 4) may be kept, rank 3 (block 0) not.
    const p = { ...sel, keepLo: 2, keepHi: 3 };
    expect(rowAgreement(p, new Set([3, 1, 4]), 1e-6)).toEqual({ union: 3, agree: 3, mismatches: 0, ties: 1 });
    expect(rowAgreement(p, new Set([3, 1, 0]), 1e-6).mismatches).toBe(1);
    // And one fewer, where the lower count is allowed.
    expect(rowAgreement({ ...sel, keepLo: 1 }, new Set([3]), 1e-6)).toMatchObject({ mismatches: 0, ties: 1 });
    expect(rowAgreement(sel, new Set([3]), 1e-6).mismatches).toBe(1);
  });
});
