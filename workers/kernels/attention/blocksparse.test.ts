import { describe, expect, it } from 'vitest';
import { lseDiff } from '../../../test/attention';
import { testGpu } from '../../../test/gpu';
import { attentionInputs } from '../../data/attention-inputs';
import { maxRelDiff } from '../../experiments/types';
import {
  blockCount,
  blockScoresRef,
  blockSparseAttentionRef,
  poolBlocksRef,
  selectBlocks,
} from '../../reference/attention/blocksparse';
import { denseAttentionRef, perHead } from '../../reference/attention/dense';
import { blockScoresGpu, blockSparseAttentionGpu } from './blocksparse';
import { destroyQkv, uploadQkv } from './flash-common';

describe('block selection (shared by both backends)', () => {
  it('pools the last partial block by its real token count', () => {
    const x = Float64Array.from({ length: 5 * 2 }, (_, i) => i); // rows (0,1) (2,3) … (8,9)
    const p = poolBlocksRef(x, 5, 2, 2);
    expect([...p]).toEqual([1, 2, 5, 6, 8, 9]);
  });

  it('keeps ⌈ρ·visible⌉ blocks, the diagonal and the sink block; ties go to the lower index', () => {
    // 4 query blocks, non-causal; row 2 has a tie between blocks 1 and 3.
    const s = [1, 0, 0, 0, 0, 1, 0, 0, 0, 5, 0, 5, 0, 0, 0, 1];
    const lists = selectBlocks(s, {
      n: 128,
      block: 32,
      causal: false,
      selection: 'topk',
      rho: 0.25,
      topP: 0.9,
    });
    expect(lists.map((l) => [...l])).toEqual([[0], [0, 1], [0, 1, 2], [0, 3]]);
  });

  it('top-p keeps the fewest blocks reaching the mass, weighting the partial last block by its size', () => {
    const s = [0, 0, 0, 0, 0, 0, 0, 0, 0]; // equal scores, blocks of 32, 32, 1 token (n = 65)
    const lists = selectBlocks(s, { n: 65, block: 32, causal: false, selection: 'topp', rho: 1, topP: 0.6 });
    // masses 32/65, 32/65, 1/65: two blocks reach 0.6; row 2 keeps block 0 first, then its diagonal.
    expect(lists.map((l) => [...l])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1, 2],
    ]);
  });

  it('masks key blocks after the query block when causal, and ρ = 1 keeps every visible block', () => {
    const n = 100;
    const x = attentionInputs('gaussian', 1, n, 16, 2, true);
    const s = blockScoresRef(x.q, x.k, { n, d: 16, causal: true, block: 32 });
    expect(s[0 * 4 + 1]).toBe(Number.NEGATIVE_INFINITY);
    const lists = selectBlocks(s, { n, block: 32, causal: true, selection: 'topk', rho: 1, topP: 0.9 });
    expect(lists.map((l) => [...l])).toEqual([[0], [0, 1], [0, 1, 2], [0, 1, 2, 3]]);
  });
});

describe('block-sparse attention kernel', () => {
  it('GPU block scores agree with the reference (partial last block, causal, 2 heads)', async () => {
    const gpu = await testGpu();
    const [n, d, heads, block] = [130, 24, 2, 32];
    const x = attentionInputs('clustered', heads, n, d, 4, true);
    const b = uploadQkv(gpu, x.q, x.k, x.v, { heads, n, d, causal: true });
    const got = await blockScoresGpu(gpu, b, block);
    destroyQkv(b);
    const nb = blockCount(n, block);
    for (let h = 0; h < heads; h++) {
      const a = h * n * d;
      const want = blockScoresRef(x.q.subarray(a, a + n * d), x.k.subarray(a, a + n * d), {
        n,
        d,
        causal: true,
        block,
      });
      const g = got.subarray(h * nb * nb, (h + 1) * nb * nb);
      const finite = (arr: ArrayLike<number>) => Array.from(arr, (y) => (y > -1e38 ? y : 0));
      expect(maxRelDiff(finite(g), finite(want))).toBeLessThan(1e-5);
      expect(Array.from(g, (y) => y > -1e38)).toEqual(Array.from(want, (y) => y > -1e38));
    }
  });

  const cases: Array<[number, number, boolean, number, number]> = [
    [130, 60, true, 32, 0.3],
    [100, 16, false, 64, 0.4],
    [200, 128, true, 64, 0.25],
    // ~95% of the blocks skipped (the sparsity the benchmark's efficiency goal is set at), N not a tile multiple.
    [650, 24, false, 32, 0.05],
    [710, 60, true, 32, 0.05],
    // Head dims off the 64-dim staging chunk (40: one partial chunk; 72: a full chunk and a partial one).
    [301, 40, false, 64, 0.1],
    [261, 72, true, 32, 0.1],
  ];
  for (const [n, d, causal, block, rho] of cases) {
    it(`GPU agrees with the reference: N=${n} d=${d} ${causal ? 'causal' : 'full'} b=${block} ρ=${rho}`, async () => {
      const heads = 2;
      const x = attentionInputs('clustered', heads, n, d, 6, causal);
      const sel = { n, block, causal, selection: 'topk' as const, rho, topP: 0.9 };
      const lists = [0, 1].map((h) => {
        const a = h * n * d;
        return selectBlocks(
          blockScoresRef(x.q.subarray(a, a + n * d), x.k.subarray(a, a + n * d), { n, d, causal, block }),
          sel,
        );
      });
      const ref = perHead(x.q, x.k, x.v, heads, n, d, (q, k, v, h) =>
        blockSparseAttentionRef(q, k, v, { n, d, causal, block }, lists[h]),
      );
      const got = await blockSparseAttentionGpu(
        await testGpu(),
        x.q,
        x.k,
        x.v,
        { heads, n, d, causal },
        block,
        lists,
      );
      expect(maxRelDiff(got.out, ref.out)).toBeLessThan(1e-4);
      expect(lseDiff(got.lse, ref.lse)).toBeLessThan(1e-4);
      // It is sparse: some row's kept mass is below the dense mass.
      const dense = denseAttentionRef(
        x.q.subarray(0, n * d),
        x.k.subarray(0, n * d),
        x.v.subarray(0, n * d),
        { n, d, causal },
      );
      expect(ref.lse.subarray(0, n).some((l, i) => l < dense.lse[i] - 1e-6)).toBe(true);
    });
  }

  for (const causal of [true, false]) {
    it(`equals dense when every block is kept (${causal ? 'causal' : 'full'})`, async () => {
      const gpu = await testGpu();
      const [n, d, block] = [97, 24, 32];
      const x = attentionInputs('gaussian', 1, n, d, 8, causal);
      const s = blockScoresRef(x.q, x.k, { n, d, causal, block });
      const lists = selectBlocks(s, { n, block, causal, selection: 'topk', rho: 1, topP: 1 });
      const sparse = await blockSparseAttentionGpu(gpu, x.q, x.k, x.v, { heads: 1, n, d, causal }, block, [
        lists,
      ]);
      const dense = denseAttentionRef(x.q, x.k, x.v, { n, d, causal });
      expect(maxRelDiff(sparse.out, dense.out)).toBeLessThan(1e-4);
      const ref = blockSparseAttentionRef(x.q, x.k, x.v, { n, d, causal, block }, lists);
      expect(maxRelDiff(ref.out, dense.out)).toBeLessThan(1e-12);
    });
  }
});
