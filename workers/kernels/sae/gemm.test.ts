import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { randomMatrix } from '../../data/matrices';
import { maxRelDiff } from '../../experiments/types';
import { gemmRef } from '../../reference/sae/gemm';
import { gemmGpu } from './gemm';

describe('SAE GEMM kernel (every variant) agrees with the reference', () => {
  const variants = [
    { transA: false, transB: false, bias: true, relu: true },
    { transA: false, transB: true, bias: true },
    { transA: true, transB: false, accumulate: true },
    { transA: true, transB: true },
  ];
  for (const v of variants) {
    it(`transA=${!!v.transA} transB=${!!v.transB} bias=${!!v.bias} relu=${!!v.relu} accumulate=${!!v.accumulate}`, async () => {
      const gpu = await testGpu();
      const [M, N, K] = [67, 45, 70];
      const a = randomMatrix(M, K, 5, 0, 'normal');
      const b = randomMatrix(K, N, 5, 1, 'normal');
      const bias = v.bias ? randomMatrix(1, N, 5, 2, 'normal') : undefined;
      const c0 = v.accumulate ? randomMatrix(M, N, 5, 3, 'normal') : undefined;
      const s = { M, N, K, transA: v.transA, transB: v.transB, relu: v.relu, accumulate: v.accumulate };
      const got = await gemmGpu(gpu, a, b, s, bias, c0);
      const want = gemmRef(a, b, s, bias, c0);
      expect(maxRelDiff(got, want)).toBeLessThan(1e-5);
      if (v.relu) expect(got.some((x) => x === 0)).toBe(true);
    });
  }
});
