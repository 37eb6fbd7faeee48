import { describe, expect, it } from 'vitest';
import { Rng } from '../../io/rng';
import { gemmNT, topkFast } from './fast';
import { linear } from './forward';
import { gemmRef } from './gemm';
import { topkRow } from './topk';

describe('gemmNT (register-blocked) against the plain float64 references', () => {
  for (const [M, N, K] of [
    [1, 1, 1],
    [7, 33, 13],
    [4, 36, 5],
    [13, 70, 9],
    [9, 5, 130],
  ] as const) {
    it(`${M}×${N}×${K}, with and without bias`, () => {
      const rng = new Rng(M * 1000 + N, K);
      const A = Float64Array.from({ length: M * K }, () => rng.normal());
      const Bm = Float64Array.from({ length: N * K }, () => rng.normal());
      const bias = Float64Array.from({ length: N }, () => rng.normal());
      const want = gemmRef(A, Bm, { M, N, K, transB: true }, bias);
      const got = gemmNT(A, Bm, M, N, K, bias);
      const lin = linear(A, Bm, bias, M, N, K);
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      for (let q = 0; q < want.length; q++) {
        expect(Math.abs(got[q] - want[q])).toBeLessThan(1e-13 * Math.max(scale, 1));
        expect(Math.abs(lin[q] - want[q])).toBeLessThan(1e-13 * Math.max(scale, 1));
      }
      const up = gemmNT(A, Bm, M, N, K, null, new Float64Array(M * N), true);
      for (let i = 0; i < M; i++)
        for (let j = i; j < N; j++)
          expect(Math.abs(up[i * N + j] - (want[i * N + j] - bias[j]))).toBeLessThan(
            1e-13 * Math.max(scale, 1),
          );
      const noBias = gemmNT(A, Bm, M, N, K, null);
      const want0 = gemmRef(A, Bm, { M, N, K, transB: true });
      for (let q = 0; q < want0.length; q++)
        expect(Math.abs(noBias[q] - want0[q])).toBeLessThan(1e-13 * Math.max(scale, 1));
    });
  }
});

describe('topkFast against topkRow (ties to the lower index, candidates, short rows)', () => {
  it('random rows with many ties, with and without a candidate mask', () => {
    const rng = new Rng(11, 3);
    for (let t = 0; t < 300; t++) {
      const n = 1 + rng.int(200);
      const k = 1 + rng.int(70);
      const levels = 1 + rng.int(6);
      const row = Float64Array.from({ length: n + 3 }, () => (t % 2 ? rng.int(levels) : rng.normal()));
      const cand =
        t % 3 === 0 ? Uint8Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0)) : undefined;
      expect(topkFast(row, 3, n, k, cand, topkRow)).toEqual(topkRow(row, 3, n, k, cand));
    }
  });
  it('a row with NaN takes the reference path', () => {
    const row = Float64Array.from([1, Number.NaN, 3, 2, 5]);
    expect(topkFast(row, 0, 5, 2, undefined, topkRow)).toEqual(topkRow(row, 0, 5, 2));
  });
});
