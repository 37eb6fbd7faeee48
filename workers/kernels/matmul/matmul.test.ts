import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { randomMatrix } from '../../data/matrices';
import { maxRelDiff } from '../../experiments/types';
import { matmulRef } from '../../reference/matmul/matmul';
import { matmulGpu } from './matmul';

describe('matmul kernel on a real WebGPU adapter', () => {
  const cases: Array<[number, number, number]> = [
    [1, 1, 1],
    [67, 45, 33],
    [64, 64, 64],
    [129, 130, 17],
    [300, 257, 129],
  ];
  for (const [m, n, k] of cases) {
    it(`agrees with the CPU reference at ${m}×${k}·${k}×${n}`, async () => {
      const gpu = await testGpu();
      const a = randomMatrix(m, k, 11, 0, 'normal');
      const b = randomMatrix(k, n, 11, 1, 'normal');
      const got = await matmulGpu(gpu, a, b, m, n, k);
      const want = matmulRef(a, b, m, n, k);
      expect(got.length).toBe(m * n);
      expect(maxRelDiff(got, want)).toBeLessThan(1e-5);
    });
  }

  it('reference agrees with a hand-computed product', () => {
    const c = matmulRef([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], 2, 2, 3);
    expect([...c]).toEqual([58, 64, 139, 154]);
  });
});
