import { describe, expect, it } from 'vitest';
import { golden, lseDiff } from '../../../test/attention';
import { testGpu } from '../../../test/gpu';
import { attentionInputs } from '../../data/attention-inputs';
import { maxRelDiff } from '../../experiments/types';
import { denseAttentionRef, perHead } from '../../reference/attention/dense';
import { denseAttentionGpu } from './dense';

describe('dense flash attention', () => {
  for (const name of ['attn_dense_n64_d16', 'attn_dense_causal_n100_d32']) {
    it(`matches the golden case ${name} (CPU reference and GPU)`, async () => {
      const g = golden(name);
      const ref = denseAttentionRef(g.q, g.k, g.v, g);
      expect(maxRelDiff(ref.out, g.out)).toBeLessThan(1e-10);
      const gpu = await denseAttentionGpu(await testGpu(), g.q, g.k, g.v, { heads: 1, ...g });
      expect(maxRelDiff(gpu.out, g.out)).toBeLessThan(1e-4);
    });
  }

  const cases: Array<[number, number, boolean, number]> = [
    [63, 16, false, 1],
    [100, 24, true, 2],
    [130, 60, true, 1],
    [70, 128, false, 1],
    [33, 256, true, 1],
    // Not a multiple of the 32-query tile or the 64-dim chunk of the register-tiled kernel, both masks.
    [45, 24, false, 1],
    [97, 60, false, 2],
    [50, 128, true, 1],
    [161, 64, true, 1],
  ];
  for (const [n, d, causal, heads] of cases) {
    it(`GPU agrees with the reference: N=${n} d=${d} ${causal ? 'causal' : 'full'} H=${heads}`, async () => {
      const x = attentionInputs('gaussian', heads, n, d, 7, causal);
      const ref = perHead(x.q, x.k, x.v, heads, n, d, (q, k, v) =>
        denseAttentionRef(q, k, v, { n, d, causal }),
      );
      const got = await denseAttentionGpu(await testGpu(), x.q, x.k, x.v, { heads, n, d, causal });
      expect(maxRelDiff(got.out, ref.out)).toBeLessThan(1e-4);
      expect(lseDiff(got.lse, ref.lse)).toBeLessThan(1e-4);
    });
  }

  it('keeps sharp (large-logit) rows finite: the online max rescales correctly', async () => {
    const n = 96;
    const d = 32;
    const x = attentionInputs('needle', 1, n, d, 3, true);
    for (let i = 0; i < x.q.length; i++) x.q[i] *= 6; // logits ≈ 60: exp would overflow without the running max
    const ref = denseAttentionRef(x.q, x.k, x.v, { n, d, causal: true });
    const got = await denseAttentionGpu(await testGpu(), x.q, x.k, x.v, { heads: 1, n, d, causal: true });
    expect(maxRelDiff(got.out, ref.out)).toBeLessThan(1e-4);
  });
});
