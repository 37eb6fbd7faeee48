import { describe, expect, it } from 'vitest';
import type { ToyData } from '../../data/sae-toy';
import { Rng } from '../../io/rng';
import { defaultConfig, initParams } from '../../reference/sae/model';
import { interactionView, pearson } from './interaction';

const rows = 40;

function setup(polyShared: boolean) {
  const c = defaultConfig({
    model: 'polysae',
    d: 6,
    m: 11,
    k: 3,
    rank1: 4,
    rank2: 3,
    rank3: polyShared ? 3 : 2,
    polyShared,
  });
  const p = initParams(c, 3);
  p.lambda[0] = -0.7;
  const rng = new Rng(5, 1);
  const codes = new Float32Array(rows * c.m);
  for (let r = 0; r < rows; r++)
    for (let n = 0; n < 3; n++) codes[r * c.m + Math.floor(rng.uniform() * c.m)] = 0.5 + rng.uniform();
  return { c, p, codes };
}

/** ‖W_ij‖ written out: the d-vector λ₂C₂w, no Gram-matrix shortcut. */
function direct(
  c: ReturnType<typeof setup>['c'],
  p: ReturnType<typeof setup>['p'],
  i: number,
  j: number,
): number {
  const { d, rank1: R1, rank2: R2 } = c;
  let n2 = 0;
  for (let q = 0; q < d; q++) {
    let v = 0;
    for (let r = 0; r < R2; r++) {
      const w = c.polyShared
        ? 2 * p.U[i * R1 + r] * p.U[j * R1 + r]
        : p.U[i * R1 + r] * p.U2[j * R2 + r] + p.U[j * R1 + r] * p.U2[i * R2 + r];
      v += p.lambda[0] * w * p.C2[q * R2 + r];
    }
    n2 += v * v;
  }
  return Math.sqrt(n2);
}

describe('PolySAE interaction diagnostic', () => {
  for (const shared of [false, true]) {
    it(`strength ‖W_ij‖, co-occurrence and r over every co-active pair (${shared ? 'shared' : 'general'} form)`, () => {
      const { c, p, codes } = setup(shared);
      const toy: Pick<ToyData, 'correlated' | 'compositional'> = {
        correlated: [[0, 1]],
        compositional: [{ a: 2, b: 3, c: 4 }],
      };
      // Feature f ↦ latent bestAtom[f].
      const bestAtom = [5, 7, 1, 9, 0];
      const iv = interactionView(c, p, codes, rows, { data: toy, bestAtom });
      expect(iv.form).toBe(shared ? 'shared' : 'general');
      // Co-occurrence counted independently.
      const co = new Map<string, number>();
      for (let r = 0; r < rows; r++)
        for (let i = 0; i < c.m; i++)
          for (let j = i + 1; j < c.m; j++)
            if (codes[r * c.m + i] > 0 && codes[r * c.m + j] > 0)
              co.set(`${i},${j}`, (co.get(`${i},${j}`) ?? 0) + 1);
      expect(iv.coactive).toBe(co.size);
      expect(iv.computed).toBe(co.size);
      for (const q of iv.points) {
        expect(q.s).toBeCloseTo(direct(c, p, q.i, q.j), 5);
        expect(q.c).toBeCloseTo((co.get(`${q.i},${q.j}`) ?? 0) / rows, 6);
      }
      const pts = [...co.keys()].map((k) => k.split(',').map(Number));
      const s = pts.map(([i, j]) => direct(c, p, i, j));
      const cc = pts.map(([i, j]) => (co.get(`${i},${j}`) ?? 0) / rows);
      expect(iv.r).toBeCloseTo(pearson(s, cc), 4);
      // The toy's pairs are labelled through bestAtom: (5, 7) correlated, (1, 9) compositional.
      expect(iv.points.find((q) => q.i === 5 && q.j === 7)?.kind).toBe(1);
      expect(iv.points.find((q) => q.i === 1 && q.j === 9)?.kind).toBe(2);
      expect(iv.summary.map((x) => x.pairs)).toEqual([iv.points.filter((q) => q.kind === 0).length, 1, 1]);
    });
  }

  it('pearson of a perfect line is 1 and of too few points NaN', () => {
    expect(pearson([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 12);
    expect(pearson([1, 2], [1, 2])).toBeNaN();
  });
});
