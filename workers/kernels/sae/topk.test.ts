import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { Rng } from '../../io/rng';
import { topkRow } from '../../reference/sae/topk';
import { topkGpu } from './topk';

function rowsOf(rows: number, M: number, seed: number, quantum: number): Float32Array {
  const rng = new Rng(seed, 0);
  // Coarse values make many exact ties; a few negatives and zeros of both signs.
  return Float32Array.from({ length: rows * M }, () => Math.round(rng.normal() / quantum) * quantum);
}

describe('SAE top-k kernel (radix select) matches the reference selection exactly', () => {
  const cases: Array<[number, number, number, number]> = [
    [5, 37, 1, 0.001],
    [7, 300, 13, 0.5],
    [3, 1000, 128, 0.25],
    [9, 64, 64, 1],
    [2, 1500, 100, 0.5], // long rows: 256 threads per row
  ];
  for (const variant of ['radix', 'row'] as const)
    for (const [rows, M, K, q] of cases) {
      it(`${variant}: rows=${rows} M=${M} k=${K}, ties at quantum ${q}`, async () => {
        const gpu = await testGpu();
        const pre = rowsOf(rows, M, rows * M + K, q);
        const { idx, val } = await topkGpu(gpu, pre, rows, M, K, undefined, variant);
        for (let r = 0; r < rows; r++) {
          const want = topkRow(pre, r * M, M, K);
          const got = [...idx.subarray(r * K, (r + 1) * K)];
          expect(got).toEqual(want);
          expect(new Set(got).size).toBe(K);
          for (let s = 0; s < K; s++) expect(val[r * K + s]).toBe(Math.max(0, pre[r * M + got[s]]));
        }
      });
    }

  for (const variant of ['radix', 'row'] as const)
    it(`${variant}: over dead latents only (AuxK), padding rows with fewer candidates`, async () => {
      const gpu = await testGpu();
      const [rows, M, K] = [6, 77, 10];
      const pre = rowsOf(rows, M, 3, 0.01);
      const rng = new Rng(4, 0);
      const since = Float32Array.from({ length: M }, () => (rng.uniform() < 0.1 ? 500 : 10));
      const dead: number[] = [...since].map((s) => (s >= 100 ? 1 : 0));
      const nDead = dead.reduce((a, b) => a + b, 0);
      expect(nDead).toBeLessThan(K);
      const { idx, val } = await topkGpu(gpu, pre, rows, M, K, { values: since, deadAfter: 100 }, variant);
      for (let r = 0; r < rows; r++) {
        const want = topkRow(pre, r * M, M, K, dead);
        expect(want.length).toBe(nDead);
        expect([...idx.subarray(r * K, r * K + nDead)]).toEqual(want);
        for (let s = nDead; s < K; s++) expect(val[r * K + s]).toBe(0);
      }
    });
});
