/** The sparse × dense kernels (N:M-compressed, CSR) on a real WebGPU adapter against the float64 product. */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { maxRelDiff } from '../../experiments/types';
import { Rng } from '../../io/rng';
import { layerMask, nmMask } from '../../reference/pruning/select';
import { compressNm, decompressNm, spmmRef, toCsr, transpose32 } from '../../reference/pruning/spmm';
import { prepareSpmmCsr, prepareSpmmNm, spmmGpu } from './spmm';

const rand = (n: number, seed: number, scale = 1) => {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.normal() * scale);
};

describe('pruning sparse × dense kernels on a real WebGPU adapter', () => {
  it('N:M compression round-trips exactly and its sparse × dense product matches (2:4, 4:8, 3:7; 53 × 75, 70 tokens)', async () => {
    const gpu = await testGpu();
    const [rows, cols, tokens] = [53, 75, 70];
    const W = rand(rows * cols, 5);
    const X = rand(tokens * cols, 6);
    for (const [n, m] of [
      [2, 4],
      [4, 8],
      [3, 7],
    ]) {
      const keep = nmMask(Float64Array.from(W, Math.abs), rows, cols, n, m);
      const Wp = Float32Array.from(W, (w, i) => (keep[i] ? w : 0));
      const c = compressNm(W, keep, rows, cols, n, m);
      expect(Array.from(decompressNm(c))).toEqual(Array.from(Wp));
      const y = await spmmGpu(gpu, prepareSpmmNm(gpu, c, transpose32(X, tokens, cols), tokens));
      expect(maxRelDiff(y, spmmRef(Wp, X, rows, cols, tokens))).toBeLessThan(1e-5);
    }
  });

  it('CSR sparse × dense product matches at 50%, 90% and with empty rows (41 × 97, 66 tokens)', async () => {
    const gpu = await testGpu();
    const [rows, cols, tokens] = [41, 97, 66];
    const W = rand(rows * cols, 7);
    const X = rand(tokens * cols, 8);
    for (const s of [0.5, 0.9, 1]) {
      const keep = layerMask(Float64Array.from(W, Math.abs), rows, cols, s);
      if (s === 1) for (let j = 0; j < cols; j++) keep[3 * cols + j] = 1; // one dense row among empty ones
      const Wp = Float32Array.from(W, (w, i) => (keep[i] ? w : 0));
      const y = await spmmGpu(
        gpu,
        prepareSpmmCsr(gpu, toCsr(W, keep, rows, cols), transpose32(X, tokens, cols), tokens),
      );
      expect(maxRelDiff(y, spmmRef(Wp, X, rows, cols, tokens))).toBeLessThan(1e-5);
    }
  });

  it('the float64 reference agrees with a hand-computed product', () => {
    // W = [[1, 2], [3, 4]], X = [[5, 6], [7, 8], [1, 0]] (3 tokens): Y = W Xᵀ.
    expect(Array.from(spmmRef([1, 2, 3, 4], [5, 6, 7, 8, 1, 0], 2, 2, 3))).toEqual([17, 23, 1, 39, 53, 3]);
  });
});
