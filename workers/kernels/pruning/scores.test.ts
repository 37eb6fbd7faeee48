/** The score kernels on a real WebGPU adapter against the float64 CPU reference, at awkward sizes. */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { maxRelDiff } from '../../experiments/types';
import { Rng } from '../../io/rng';
import { columnNorms, magnitudeScores, wandaScores } from '../../reference/pruning/scores';
import { pruningScoresGpu } from './scores';

const rand = (n: number, seed: number, scale = 1) => {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.normal() * scale);
};

describe('pruning score kernels on a real WebGPU adapter', () => {
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
});
