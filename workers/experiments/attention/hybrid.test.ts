import { describe, expect, it } from 'vitest';
import { attentionInputs } from '../../data/attention-inputs';
import { attentionSpec } from '../../spec/attention';
import { cpuBackend } from './backend';
import { runHybrid } from './hybrid';
import type { AttnValues } from './method-types';
import { runMethod } from './registry';

const signal = new AbortController().signal;

describe('per-head hybrid', () => {
  it('each head runs its listed method: head h of the mix equals that method run on head h alone', async () => {
    const [H, n, d] = [3, 200, 16];
    const x = attentionInputs('mixed_heads', H, n, d, 2, true);
    const p = { ...x, causal: true };
    const v = {
      ...attentionSpec.defaults,
      n,
      d,
      heads: H,
      hybrid: 'window,blocksparse,linear',
    } as AttnValues;
    const be = cpuBackend(p, signal);
    const dense = await be.dense();
    const r = await runHybrid(
      v,
      p,
      be,
      dense,
      (s) => cpuBackend(s, signal),
      null,
      signal,
      () => {},
    );
    for (const [h, method] of (['window', 'blocksparse', 'linear'] as const).entries()) {
      const sub = {
        q: x.q.slice(h * n * d, (h + 1) * n * d),
        k: x.k.slice(h * n * d, (h + 1) * n * d),
        v: x.v.slice(h * n * d, (h + 1) * n * d),
        heads: 1,
        n,
        d,
        causal: true,
      };
      const sb = cpuBackend(sub, signal);
      const want = await runMethod({ ...v, method, hybrid: '' }, sub, sb, await sb.dense());
      const got = (r.out as Float32Array).subarray(h * n * d, (h + 1) * n * d);
      for (let t = 0; t < n * d; t += 37) expect(got[t]).toBeCloseTo(Number(want.out[t]), 5);
    }
    expect(r.tables[0].rows.map((row) => row[2])).toEqual(['window', 'blocksparse', 'linear']);
    expect(r.metrics.hybridFlopFraction).toBeLessThan(1);
  });

  it('auto by rule: the sink-heavy head gets the window, the diffuse one block-sparse', async () => {
    const [n, d] = [256, 16];
    const a = attentionInputs('a_shape', 1, n, d, 1, true);
    const g = attentionInputs('gaussian', 1, n, d, 1, true);
    const cat = (u: Float32Array, w: Float32Array) => Float32Array.from([...u, ...w]);
    const p = { q: cat(a.q, g.q), k: cat(a.k, g.k), v: cat(a.v, g.v), heads: 2, n, d, causal: true };
    const v = { ...attentionSpec.defaults, n, d, heads: 2, hybrid: 'auto' } as AttnValues;
    const be = cpuBackend(p, signal);
    const r = await runHybrid(
      v,
      p,
      be,
      await be.dense(),
      (s) => cpuBackend(s, signal),
      null,
      signal,
      () => {},
    );
    expect(r.tables[0].rows.map((row) => row[2])).toEqual(['window', 'blocksparse']);
  });

  it('a list whose length is not H is refused with a message naming both', async () => {
    const x = attentionInputs('gaussian', 2, 64, 16, 1, true);
    const p = { ...x, causal: true };
    const v = { ...attentionSpec.defaults, n: 64, d: 16, heads: 2, hybrid: 'window' } as AttnValues;
    const be = cpuBackend(p, signal);
    await expect(
      runHybrid(
        v,
        p,
        be,
        await be.dense(),
        (s) => cpuBackend(s, signal),
        null,
        signal,
        () => {},
      ),
    ).rejects.toThrow(/1 method\(s\) but the data has 2 heads/);
    expect(
      attentionSpec.rules({ ...attentionSpec.defaults, heads: 2, hybrid: 'window' } as AttnValues)[0].field,
    ).toBe('hybrid');
  });
});
