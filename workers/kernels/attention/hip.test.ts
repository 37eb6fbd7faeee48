import { describe, expect, it } from 'vitest';
import { lseDiff } from '../../../test/attention';
import { testGpu } from '../../../test/gpu';
import { attentionInputs } from '../../data/attention-inputs';
import { maxRelDiff } from '../../experiments/types';
import { denseAttentionRef } from '../../reference/attention/dense';
import { gatherAttentionRef } from '../../reference/attention/gather';
import {
  type HipOpts,
  hipAttentionRef,
  hipBlockScore,
  hipMaskRef,
  hipNodes,
  hipRange,
  hipTileLists,
  hipTopkRecall,
} from '../../reference/attention/hip';
import { destroyQkv, uploadQkv } from './flash-common';
import { gatherAttentionGpu } from './gather';
import { hipMaskGpu } from './hip';

const asLists = (m: Array<Int32Array | null>) => m.map((s) => (s ? [...s] : null));

describe('HiP tree-search mask and attention', () => {
  const cases: Array<Omit<HipOpts, 'd'> & { d: number; data: 'local' | 'needle' }> = [
    { n: 200, d: 24, causal: true, window: 16, sinks: 4, k: 32, bk: 2, bsq: 2, data: 'needle' },
    { n: 163, d: 60, causal: false, window: 9, sinks: 0, k: 24, bk: 1, bsq: 1, data: 'local' },
    { n: 300, d: 16, causal: true, window: 40, sinks: 3, k: 60, bk: 4, bsq: 3, data: 'needle' },
  ];
  for (const o of cases) {
    it(`GPU search picks the reference's blocks and the gather kernel agrees: N=${o.n} d=${o.d} k=${o.k} b_k=${o.bk} ${o.causal ? 'causal' : 'full'}`, async () => {
      const gpu = await testGpu();
      const heads = 2;
      const x = attentionInputs(o.data, heads, o.n, o.d, 12, o.causal);
      const b = uploadQkv(gpu, x.q, x.k, x.v, { heads, n: o.n, d: o.d, causal: o.causal });
      const masks = await hipMaskGpu(gpu, b, o);
      destroyQkv(b);
      const tiles = [];
      for (let h = 0; h < heads; h++) {
        const a = h * o.n * o.d;
        const [q, k] = [x.q.subarray(a, a + o.n * o.d), x.k.subarray(a, a + o.n * o.d)];
        const want = hipMaskRef(q, k, o);
        expect(asLists(masks[h])).toEqual(asLists(want));
        expect(want.some((s) => s !== null)).toBe(true); // the search really ran
        tiles.push(hipTileLists(o, masks[h]));
      }
      const got = await gatherAttentionGpu(
        gpu,
        x.q,
        x.k,
        x.v,
        { heads, n: o.n, d: o.d, causal: o.causal },
        { window: o.window, words: 0, perHead: tiles, bits: null },
      );
      for (let h = 0; h < heads; h++) {
        const a = h * o.n * o.d;
        const ref = gatherAttentionRef(
          x.q.subarray(a, a + o.n * o.d),
          x.k.subarray(a, a + o.n * o.d),
          x.v.subarray(a, a + o.n * o.d),
          { ...o, words: 0 },
          tiles[h],
        );
        expect(maxRelDiff(got.out.subarray(a, a + o.n * o.d), ref.out)).toBeLessThan(1e-4);
        expect(lseDiff(got.lse.subarray(h * o.n, (h + 1) * o.n), ref.lse)).toBeLessThan(1e-4);
      }
    });
  }

  it('finds most of the exact top-k blocks on needle data, and its mask is a real subset', () => {
    const o: HipOpts = { n: 256, d: 32, causal: true, window: 16, sinks: 4, k: 32, bk: 2, bsq: 2 };
    const x = attentionInputs('needle', 1, o.n, o.d, 3, true);
    const sel = hipMaskRef(x.q, x.k, o);
    const recall = hipTopkRecall(x.q, x.k, o, sel, 1e9);
    expect(recall).toBeGreaterThan(0.5);
    // The exact top-K′ blocks of every searched query block, scored here by brute force.
    const K = hipNodes(o);
    const exact = sel.map((s, B) => {
      if (!s) return null;
      const { end, nsrc } = hipRange(o, B);
      const scored = Array.from({ length: nsrc }, (_, r) => ({
        r,
        s: hipBlockScore(x.q, x.k, o, B, end, r),
      }));
      scored.sort((a, b) => b.s - a.s || a.r - b.r);
      return { top: scored.slice(0, K).map((e) => e.r), rest: scored.slice(K).map((e) => e.r) };
    });
    // HiP's own recall, counted independently: what hipTopkRecall reported.
    let found = 0;
    let total = 0;
    exact.forEach((e, B) => {
      if (!e) return;
      const chosen = new Set(sel[B]);
      found += e.top.filter((r) => chosen.has(r)).length;
      total += e.top.length;
    });
    expect(total).toBeGreaterThan(0);
    expect(recall).toBe(found / total);
    // Planted masks with a known recall: the exact top-K′ (1), and the top-K′ with a quarter of each
    // block's entries swapped for blocks outside it (3/4).
    const planted = (swap: number) =>
      exact.map((e) =>
        e ? Int32Array.from([...e.top.slice(swap), ...e.rest.slice(0, swap)].sort((a, b) => a - b)) : null,
      );
    expect(hipTopkRecall(x.q, x.k, o, planted(0), 1e9)).toBe(1);
    expect(K % 4).toBe(0);
    expect(exact.every((e) => !e || e.rest.length >= K / 4)).toBe(true);
    expect(hipTopkRecall(x.q, x.k, o, planted(K / 4), 1e9)).toBe(0.75);
    const r = hipAttentionRef(x.q, x.k, x.v, o);
    const dense = denseAttentionRef(x.q, x.k, x.v, o);
    expect(r.lse.some((l, i) => l < dense.lse[i] - 1e-6)).toBe(true);
  });

  for (const causal of [true, false]) {
    it(`equals dense when the budget covers every key (${causal ? 'causal' : 'full'})`, () => {
      const o: HipOpts = { n: 90, d: 16, causal, window: 8, sinks: 2, k: 90, bk: 2, bsq: 2 };
      const x = attentionInputs('gaussian', 1, o.n, o.d, 5, causal);
      const r = hipAttentionRef(x.q, x.k, x.v, o);
      expect(maxRelDiff(r.out, denseAttentionRef(x.q, x.k, x.v, o).out)).toBeLessThan(1e-12);
    });
  }
});
