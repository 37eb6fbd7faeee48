import { describe, expect, it } from 'vitest';
import { golden, lseDiff } from '../../../test/attention';
import { testGpu } from '../../../test/gpu';
import { attentionInputs } from '../../data/attention-inputs';
import { maxRelDiff } from '../../experiments/types';
import { attendKeys, denseAttentionRef, perHead } from '../../reference/attention/dense';
import { windowAttentionRef, windowCount, windowVisible } from '../../reference/attention/window';
import { denseAttentionGpu } from './dense';
import { windowAttentionGpu } from './window';

describe('sliding-window attention', () => {
  for (const name of ['attn_window_n80_d16_w10', 'attn_window_causal_n96_d16_w8']) {
    it(`matches the golden case ${name} (CPU reference and GPU)`, async () => {
      const g = golden(name);
      const o = { ...g, window: g.window!, sinks: 0 };
      expect(maxRelDiff(windowAttentionRef(g.q, g.k, g.v, o).out, g.out)).toBeLessThan(1e-10);
      const gpu = await windowAttentionGpu(await testGpu(), g.q, g.k, g.v, { heads: 1, ...g }, o);
      expect(maxRelDiff(gpu.out, g.out)).toBeLessThan(1e-4);
    });
  }

  const cases: Array<[number, number, boolean, number, number]> = [
    [130, 24, true, 40, 4],
    [130, 60, false, 37, 3],
    [100, 16, true, 5, 0],
    [200, 16, true, 33, 40],
    // Non-causal with sinks reaching past the band of the first queries (and past the first key tile).
    [100, 16, false, 4, 70],
    [40, 16, false, 4, 8],
  ];
  for (const [n, d, causal, window, sinks] of cases) {
    it(`GPU agrees with the reference: N=${n} d=${d} ${causal ? 'causal' : 'full'} w=${window} s=${sinks}`, async () => {
      const x = attentionInputs('local', 2, n, d, 5, causal);
      const o = { n, d, causal, window, sinks };
      const ref = perHead(x.q, x.k, x.v, 2, n, d, (q, k, v) => windowAttentionRef(q, k, v, o));
      const got = await windowAttentionGpu(await testGpu(), x.q, x.k, x.v, { heads: 2, n, d, causal }, o);
      expect(maxRelDiff(got.out, ref.out)).toBeLessThan(1e-4);
      expect(lseDiff(got.lse, ref.lse)).toBeLessThan(1e-4);
    });
  }

  it('the reference visits exactly the keys windowVisible allows (sinks right of the band included)', () => {
    for (const causal of [true, false])
      for (const [n, window, sinks] of [
        [40, 4, 8],
        [50, 7, 3],
        [30, 1, 30],
      ]) {
        const o = { n, d: 16, causal, window, sinks };
        const x = attentionInputs('gaussian', 1, n, 16, 4, causal);
        const all = (i: number) =>
          Int32Array.from({ length: n }, (_, j) => j).filter((j) => windowVisible(o, i, j));
        const brute = attendKeys(x.q, x.k, x.v, n, 16, all);
        expect(maxRelDiff(windowAttentionRef(x.q, x.k, x.v, o).out, brute.out)).toBeLessThan(1e-12);
        for (let i = 0; i < n; i++) expect(windowCount(o, i)).toBe(all(i).length);
      }
  });

  for (const causal of [true, false]) {
    it(`equals dense when the window covers everything (${causal ? 'causal' : 'full'})`, async () => {
      const n = 75;
      const d = 16;
      const x = attentionInputs('gaussian', 1, n, d, 9, causal);
      const shape = { heads: 1, n, d, causal };
      const dense = await denseAttentionGpu(await testGpu(), x.q, x.k, x.v, shape);
      const win = await windowAttentionGpu(await testGpu(), x.q, x.k, x.v, shape, {
        window: 2 * n,
        sinks: 0,
      });
      expect(maxRelDiff(win.out, dense.out)).toBeLessThan(1e-6);
      const ref = windowAttentionRef(x.q, x.k, x.v, { n, d, causal, window: 2 * n, sinks: 0 });
      expect(maxRelDiff(ref.out, denseAttentionRef(x.q, x.k, x.v, { n, d, causal }).out)).toBeLessThan(1e-12);
    });
  }
});
