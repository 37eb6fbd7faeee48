import { describe, expect, it } from 'vitest';
import { lseDiff } from '../../../test/attention';
import { testGpu } from '../../../test/gpu';
import { attentionInputs } from '../../data/attention-inputs';
import { maxRelDiff } from '../../experiments/types';
import { denseAttentionRef } from '../../reference/attention/dense';
import { gatherAttentionRef } from '../../reference/attention/gather';
import { type SeaOpts, seaBucket, seaMaskRef, seaPositionBasis } from '../../reference/attention/sea';
import { gatherAttentionGpu } from './gather';

const opts = (n: number, d: number, causal: boolean, rho: number): SeaOpts => ({
  n,
  d,
  causal,
  rho,
  featureMap: 'elu1',
  favorFeatures: 0,
  chunk: 32,
  seed: 1,
});

describe('SEA estimated mask (training-free variant)', () => {
  it('hat basis rows sum to 1 and buckets follow position', () => {
    const e = seaPositionBasis(50, 16);
    for (let j = 0; j < 50; j++)
      expect(e.subarray(j * 16, (j + 1) * 16).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(seaBucket(0, 50, 16)).toBe(0);
    expect(seaBucket(49, 50, 16)).toBe(15);
  });

  for (const [n, d, causal] of [
    [130, 24, true],
    [100, 60, false],
  ] as Array<[number, number, boolean]>) {
    it(`gather kernel with per-query bucket bits agrees with the reference: N=${n} d=${d} ${causal ? 'causal' : 'full'}`, async () => {
      const gpu = await testGpu();
      const x = attentionInputs('clustered', 1, n, d, 21, causal);
      const o = opts(n, d, causal, 0.25);
      const mask = seaMaskRef(x.q, x.k, o);
      const got = await gatherAttentionGpu(
        gpu,
        x.q,
        x.k,
        x.v,
        { heads: 1, n, d, causal },
        { window: 0, words: mask.words, perHead: [mask.tiles], bits: mask.bits },
      );
      const ref = gatherAttentionRef(
        x.q,
        x.k,
        x.v,
        { n, d, causal, window: 0, words: mask.words },
        mask.tiles,
        mask.bits,
      );
      expect(maxRelDiff(got.out, ref.out)).toBeLessThan(1e-4);
      expect(lseDiff(got.lse, ref.lse)).toBeLessThan(1e-4);
      const dense = denseAttentionRef(x.q, x.k, x.v, o);
      expect(ref.lse.some((l, i) => l < dense.lse[i] - 1e-6)).toBe(true); // really sparse
      expect(ref.lse.every((l) => Number.isFinite(l))).toBe(true); // every query keeps its own bucket
    });
  }

  for (const causal of [true, false]) {
    it(`equals dense when every bucket is kept (${causal ? 'causal' : 'full'})`, () => {
      const [n, d] = [77, 16];
      const x = attentionInputs('gaussian', 1, n, d, 4, causal);
      const mask = seaMaskRef(x.q, x.k, opts(n, d, causal, 1));
      const r = gatherAttentionRef(
        x.q,
        x.k,
        x.v,
        { n, d, causal, window: 0, words: mask.words },
        mask.tiles,
        mask.bits,
      );
      expect(maxRelDiff(r.out, denseAttentionRef(x.q, x.k, x.v, { n, d, causal }).out)).toBeLessThan(1e-12);
    });
  }
});
