import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { attentionInputs } from '../../data/attention-inputs';
import { maxRelDiff } from '../../experiments/types';
import { attentionMapRef } from '../../reference/attention/map';
import { prepareDense } from './dense';
import { destroyQkv, uploadQkv } from './flash-common';
import { attentionMapGpu } from './map';

describe('downsampled attention map kernel', () => {
  for (const [n, d, causal, rows] of [
    [100, 24, true, 30],
    [77, 60, false, 77],
  ] as Array<[number, number, boolean, number]>) {
    it(`GPU cell means agree with the reference: N=${n} d=${d} ${causal ? 'causal' : 'full'} ${rows}×${rows}`, async () => {
      const gpu = await testGpu();
      const heads = 2;
      const x = attentionInputs('local', heads, n, d, 4, causal);
      const b = uploadQkv(gpu, x.q, x.k, x.v, { heads, n, d, causal });
      const dense = prepareDense(gpu, b);
      const enc = gpu.device.createCommandEncoder();
      dense.encode(enc);
      gpu.device.queue.submit([enc.finish()]);
      const got = await attentionMapGpu(gpu, b, rows, rows);
      dense.destroy();
      destroyQkv(b);
      for (let h = 0; h < heads; h++) {
        const a = h * n * d;
        const want = attentionMapRef(
          x.q.subarray(a, a + n * d),
          x.k.subarray(a, a + n * d),
          n,
          d,
          causal,
          rows,
          rows,
        );
        expect(maxRelDiff(got.subarray(h * rows * rows, (h + 1) * rows * rows), want)).toBeLessThan(1e-4);
        // Each row of cells holds the mean of rows that sum to 1: Σ_c mean·(keys in c) = 1.
        expect(
          want
            .subarray(0, rows)
            .reduce((s, v, c) => s + v * (Math.floor(((c + 1) * n) / rows) - Math.floor((c * n) / rows)), 0),
        ).toBeCloseTo(1, 10);
      }
    });
  }
});
