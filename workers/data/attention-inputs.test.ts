import { describe, expect, it } from 'vitest';
import { attentionRow } from '../reference/attention/dense';
import { attentionInputs, type SyntheticKind } from './attention-inputs';

const KINDS: SyntheticKind[] = ['gaussian', 'local', 'clustered', 'needle', 'sinks', 'sla_structure'];

/** Mean over queries of the dense attention mass on keys satisfying `where`. */
function massWhere(
  kind: SyntheticKind,
  n: number,
  d: number,
  where: (i: number, j: number) => boolean,
): number {
  const x = attentionInputs(kind, 1, n, d, 5, true);
  const row = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    attentionRow(x.q, x.k, n, d, true, i, row);
    for (let j = 0; j <= i; j++) if (where(i, j)) s += row[j];
  }
  return s / n;
}

describe('synthetic attention inputs', () => {
  it('are seeded, finite and head h does not depend on H', () => {
    for (const kind of KINDS) {
      const a = attentionInputs(kind, 2, 50, 16, 9, true);
      const b = attentionInputs(kind, 3, 50, 16, 9, true);
      expect(a.q.length).toBe(2 * 50 * 16);
      expect(Array.from(a.q.subarray(800, 1600))).toEqual(Array.from(b.q.subarray(800, 1600)));
      expect(a.k.every(Number.isFinite) && a.v.every(Number.isFinite)).toBe(true);
      expect(Array.from(attentionInputs(kind, 1, 50, 16, 10, true).k)).not.toEqual(
        Array.from(a.k.subarray(0, 800)),
      );
    }
  });

  it('local data puts most mass near the diagonal, gaussian does not', () => {
    const near = (i: number, j: number) => i - j < 8;
    expect(massWhere('local', 200, 32, near)).toBeGreaterThan(0.6);
    expect(massWhere('gaussian', 200, 32, near)).toBeLessThan(0.4);
  });

  it('sinks data puts much mass on the first 4 keys', () => {
    expect(massWhere('sinks', 200, 32, (_i, j) => j < 4)).toBeGreaterThan(0.3);
  });

  it('needle data: each query’s heaviest key carries most of its mass', () => {
    const n = 150;
    const d = 32;
    const x = attentionInputs('needle', 1, n, d, 5, true);
    const row = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) {
      attentionRow(x.q, x.k, n, d, true, i, row);
      s += Math.max(...row);
    }
    expect(s / n).toBeGreaterThan(0.8);
  });
});
