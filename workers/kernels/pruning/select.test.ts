/** The mask-selection kernels on a real WebGPU adapter against the CPU reference (exact, ties included). */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { Rng } from '../../io/rng';
import { layerMask, nmMask, rowMask } from '../../reference/pruning/select';
import { selectNmGpu, selectSegmentsGpu } from './select';

const rand = (n: number, seed: number, scale = 1) => {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.normal() * scale);
};

describe('pruning selection kernels on a real WebGPU adapter', () => {
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
});
