import { describe, expect, it } from 'vitest';
import { attentionInputs } from '../../data/attention-inputs';
import { blockScoresRef, blockSelfSimilarity, selectBlocks } from './blocksparse';

describe('SpargeAttn top-p rule and self-similarity guard', () => {
  it('top-p: SpargeAttn keeps the longest prefix with mass ≤ p; the lab’s rule the fewest reaching p', () => {
    // One query block over 4 key blocks of 32 tokens; estimated masses ∝ e^s: 0.5, 0.3, 0.15, 0.05.
    const m = [0.5, 0.3, 0.15, 0.05];
    const s = [...m.map(Math.log), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const o = { n: 128, block: 32, causal: false, rho: 1 };
    // Only row 0 matters; rows 1–3 are uniform.
    const reach = selectBlocks(s, { ...o, selection: 'topp', topP: 0.9 })[0];
    const sparge = selectBlocks(s, { ...o, selection: 'topp_sparge', topP: 0.9 })[0];
    expect([...reach]).toEqual([0, 1, 2]); // 0.5 + 0.3 + 0.15 = 0.95 ≥ 0.9
    expect([...sparge]).toEqual([0, 1]); // 0.8 ≤ 0.9 < 0.95
    // p below the first block's mass: SpargeAttn still keeps one block.
    expect([...selectBlocks(s, { ...o, selection: 'topp_sparge', topP: 0.3 })[0]]).toEqual([0]);
    // Exactly on a prefix sum both rules agree.
    expect([...selectBlocks(s, { ...o, selection: 'topp_sparge', topP: 0.8 })[0]]).toEqual([0, 1]);
    expect([...selectBlocks(s, { ...o, selection: 'topp', topP: 0.8 })[0]]).toEqual([0, 1]);
  });

  it('self-similarity: identical rows give 1, opposite pairs 0; keys are centred when asked', () => {
    const d = 4;
    const same = Float64Array.from({ length: 8 * d }, (_, i) => (i % d === 1 ? 2 : 0));
    expect(blockSelfSimilarity(same, 8, d, 4)[0]).toBeCloseTo(1, 12);
    const opp = Float64Array.from({ length: 4 * d }, (_, i) =>
      i % d === 0 ? (Math.floor(i / d) % 2 ? -1 : 1) : 0,
    );
    expect(blockSelfSimilarity(opp, 4, d, 4)[0]).toBeCloseTo(0, 12);
    // Partial last block: divided by its real row count (1 row → 1).
    expect(blockSelfSimilarity(same, 5, d, 4)[1]).toBeCloseTo(1, 12);
    // Centring removes a shared offset, leaving the (opposite) varying part.
    const off = Float64Array.from(opp, (x, i) => x + (i % d === 2 ? 5 : 0));
    expect(blockSelfSimilarity(off, 4, d, 4)[0]).toBeGreaterThan(0.9);
    expect(blockSelfSimilarity(off, 4, d, 4, true)[0]).toBeCloseTo(0, 12);
  });

  it('guard: non-self-similar key blocks are kept in every row and take no part in the ranking; non-self-similar query blocks keep all visible blocks', () => {
    const n = 256;
    const d = 16;
    const x = attentionInputs('rope_local', 1, n, d, 3, true);
    const s = blockScoresRef(x.q, x.k, { n, d, causal: true, block: 32 });
    const nb = 8;
    const q = [true, true, true, false, true, true, true, true];
    const k = [true, true, false, true, true, true, true, true];
    const o = { n, block: 32, causal: true, selection: 'topk' as const, rho: 0.25, topP: 0.9 };
    const guarded = selectBlocks(s, { ...o, guard: { q, k } });
    for (let I = 0; I < nb; I++) {
      const g = [...guarded[I]];
      expect(g.every((J) => J <= I)).toBe(true);
      if (!q[I]) {
        expect(g).toEqual(Array.from({ length: I + 1 }, (_, J) => J));
        continue;
      }
      // Ranked among the self-similar visible blocks only, then the forced block 2, diagonal and sink added.
      const ranked = Array.from({ length: I + 1 }, (_, J) => J)
        .filter((J) => k[J])
        .sort((a, b) => s[I * nb + b] - s[I * nb + a] || a - b);
      const want = new Set(ranked.slice(0, Math.max(1, Math.ceil(0.25 * ranked.length - 1e-9))));
      if (I >= 2) want.add(2);
      want.add(I);
      want.add(0);
      expect(g).toEqual([...want].sort((a, b) => a - b));
    }
  });
});
