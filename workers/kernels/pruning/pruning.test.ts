/** Pruning kernels on a real WebGPU adapter against the float64 CPU references, at awkward sizes. */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { maxRelDiff } from '../../experiments/types';
import { Rng } from '../../io/rng';
import { columnNorms, magnitudeScores, wandaScores } from '../../reference/pruning/scores';
import { layerMask, nmMask, rowMask } from '../../reference/pruning/select';
import {
  compressNm,
  decompressNm,
  prepareSpmmCsr,
  prepareSpmmNm,
  pruningScoresGpu,
  selectNmGpu,
  selectSegmentsGpu,
  spmmGpu,
  toCsr,
  transpose32,
} from './pruning';

const rand = (n: number, seed: number, scale = 1) => {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.normal() * scale);
};

/** Y (rows × tokens) = Ŵ Xᵀ in float64. */
function denseRef(W: ArrayLike<number>, X: ArrayLike<number>, rows: number, cols: number, tokens: number) {
  const Y = new Float64Array(rows * tokens);
  for (let i = 0; i < rows; i++)
    for (let t = 0; t < tokens; t++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += W[i * cols + j] * X[t * cols + j];
      Y[i * tokens + t] = s;
    }
  return Y;
}

describe('pruning kernels on a real WebGPU adapter', () => {
  it('Wanda and magnitude scores match the reference (37 × 83, 130 tokens)', async () => {
    const gpu = await testGpu();
    const [rows, cols, tokens] = [37, 83, 130];
    const W = rand(rows * cols, 1);
    const X = rand(tokens * cols, 2);
    const wanda = await pruningScoresGpu(gpu, W, rows, cols, 'wanda', { data: X, tokens });
    expect(maxRelDiff(wanda, wandaScores(W, columnNorms(X, tokens, cols), rows, cols))).toBeLessThan(1e-5);
    const mag = await pruningScoresGpu(gpu, W, rows, cols, 'magnitude');
    expect(maxRelDiff(mag, magnitudeScores(W))).toBe(0);
  });

  it('per-row and per-layer selection prune exactly the reference’s entries, ties included', async () => {
    const gpu = await testGpu();
    const [rows, cols] = [19, 301];
    // Quantised scores make many ties: the lower index must go first, as in the reference.
    const S = Float32Array.from(rand(rows * cols, 3), (x) => Math.round(Math.abs(x) * 8) / 8);
    for (const s of [0, 0.1, 0.5, 0.77, 0.99]) {
      const k = Math.floor(s * cols);
      expect(Array.from(await selectSegmentsGpu(gpu, S, rows, cols, k))).toEqual(
        Array.from(rowMask(S, rows, cols, s)),
      );
    }
    const kl = Math.floor(0.6 * rows * cols);
    expect(Array.from(await selectSegmentsGpu(gpu, S, 1, rows * cols, kl))).toEqual(
      Array.from(layerMask(S, rows, cols, 0.6)),
    );
  });

  it('N:M selection keeps N of every M (2:4, 4:8, 3:7 with a padded last group)', async () => {
    const gpu = await testGpu();
    const [rows, cols] = [13, 75];
    const S = Float32Array.from(rand(rows * cols, 4), (x) => Math.round(Math.abs(x) * 4) / 4);
    for (const [n, m] of [
      [2, 4],
      [4, 8],
      [3, 7],
    ])
      expect(Array.from(await selectNmGpu(gpu, S, rows, cols, n, m))).toEqual(
        Array.from(nmMask(S, rows, cols, n, m)),
      );
  });

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
      expect(maxRelDiff(y, denseRef(Wp, X, rows, cols, tokens))).toBeLessThan(1e-5);
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
      expect(maxRelDiff(y, denseRef(Wp, X, rows, cols, tokens))).toBeLessThan(1e-5);
    }
  });
});
