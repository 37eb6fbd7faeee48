import { describe, expect, it } from 'vitest';
import { Rng } from '../../io/rng';
import { gemmNT } from './fast';
import { linear } from './forward';
import { gemmRef } from './gemm';

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
      const noBias = gemmNT(A, Bm, M, N, K, null);
      const want0 = gemmRef(A, Bm, { M, N, K, transB: true });
      for (let q = 0; q < want0.length; q++)
        expect(Math.abs(noBias[q] - want0[q])).toBeLessThan(1e-13 * Math.max(scale, 1));
    });
  }
});
