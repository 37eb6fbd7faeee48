import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { attentionInputs } from '../../data/attention-inputs';
import { maxRelDiff } from '../../experiments/types';
import { denseAttentionRef } from '../../reference/attention/dense';
import {
  LLSA_B,
  type LlsaOpts,
  llsaRef,
  llsaSelect,
  llsaSelectMacs,
  poolRows,
} from '../../reference/attention/llsa';
import { llsaGpu } from './llsa';

const dense = (x: { q: Float32Array; k: Float32Array; v: Float32Array }, n: number, d: number) =>
  denseAttentionRef(x.q, x.k, x.v, { n, d, causal: false }).out;

describe('LLSA reference', () => {
  for (const [enrich, levels] of [
    ['none', 1],
    ['partition', 1],
    ['none', 2],
    ['partition', 2],
  ] as const) {
    it(`K covering every block equals dense attention (${enrich}, L = ${levels}, N = 300: partial blocks)`, () => {
      const n = 300;
      const d = 16;
      const x = attentionInputs('rope_local', 1, n, d, 2, false);
      const r = llsaRef(x.q, x.k, x.v, { n, d, levels, k: Math.ceil(n / LLSA_B), enrich });
      expect(maxRelDiff(r.out, dense(x, n, d))).toBeLessThan(1e-12);
    });
  }

  it('the code’s enrichment double-counts the picked region, so it is not dense even with every block picked', () => {
    const n = 300;
    const d = 16;
    const x = attentionInputs('rope_local', 1, n, d, 2, false);
    const r = llsaRef(x.q, x.k, x.v, { n, d, levels: 1, k: 19, enrich: 'code' });
    expect(maxRelDiff(r.out, dense(x, n, d))).toBeGreaterThan(1e-3);
  });

  it('hierarchical selection: level-1 candidates are the children of the parent’s level-2 picks, top-K by pooled score', () => {
    const n = 2048;
    const d = 16;
    const x = attentionInputs('block_clusters', 1, n, d, 1, false);
    const o: LlsaOpts = { n, d, levels: 2, k: 3, enrich: 'none' };
    const sel = llsaSelect(x.q, x.k, o);
    const q1 = poolRows(x.q, n, d, 16).mean;
    const k1 = poolRows(x.k, n, d, 16).mean;
    for (let I = 0; I < Math.ceil(n / 16); I += 7) {
      const parentPicks = [...sel.picks[1][Math.floor(I / 16)]];
      const cands = parentPicks.flatMap((P) => Array.from({ length: 16 }, (_, t) => P * 16 + t));
      expect([...sel.cands[0][I]]).toEqual(cands);
      const score = (J: number) => {
        let s = 0;
        for (let e = 0; e < d; e++) s += q1[I * d + e] * k1[J * d + e];
        return s;
      };
      const want = [...cands]
        .sort((a, b) => score(b) - score(a) || a - b)
        .slice(0, 3)
        .sort((a, b) => a - b);
      expect([...sel.picks[0][I]]).toEqual(want);
    }
    expect(sel.selectMacs).toBe(llsaSelectMacs(n, d, 3, 2));
  });
});

describe('LLSA kernel on a real WebGPU adapter', () => {
  for (const [n, d, levels, k, enrich] of [
    [300, 24, 1, 3, 'code'],
    [300, 24, 2, 2, 'partition'],
    [517, 40, 2, 3, 'none'],
    [70, 130, 1, 2, 'code'],
  ] as const) {
    it(`agrees with the CPU reference: N=${n}, d=${d}, L=${levels}, K=${k}, ${enrich}`, async () => {
      const gpu = await testGpu();
      const x = attentionInputs('video3d', 1, n, d, n + d, false);
      const o = { n, d, levels, k, enrich };
      const got = await llsaGpu(gpu, x.q, x.k, x.v, o);
      const want = llsaRef(x.q, x.k, x.v, o).out;
      expect(maxRelDiff(got, want)).toBeLessThan(1e-4);
    });
  }
  it('K covering every block equals dense on the GPU too (N=200, d=32)', async () => {
    const gpu = await testGpu();
    const x = attentionInputs('a_shape', 1, 200, 32, 9, false);
    const got = await llsaGpu(gpu, x.q, x.k, x.v, { n: 200, d: 32, levels: 1, k: 13, enrich: 'partition' });
    expect(maxRelDiff(got, dense(x, 200, 32))).toBeLessThan(1e-4);
  });
});
