import { describe, expect, it } from 'vitest';
import { attentionInputs } from '../../data/attention-inputs';
import { attentionSpec } from '../../spec/attention';
import { decodeParams, parseLocation } from '../../spec/url';
import { cpuBackend } from './backend';
import type { AttnValues } from './method-types';
import { compare } from './metrics';
import { runMethod } from './registry';
import { meetsTarget, parseTune, tune, tuneKnobs, tuneTable } from './tune';

const signal = new AbortController().signal;

describe('error-budget tuner', () => {
  it('reads its target and refuses malformed ones', () => {
    expect(parseTune('cosine:0.99')).toEqual({ metric: 'cosine', value: 0.99 });
    expect(parseTune('rel:0.05')).toEqual({ metric: 'rel', value: 0.05 });
    expect(parseTune('off')).toBeNull();
    const bad = decodeParams(attentionSpec, parseLocation('#/attention?tune=cos:0.9').params);
    expect(bad.issues.map((i) => i.field)).toContain('tune');
    const over = decodeParams(attentionSpec, parseLocation('#/attention?tune=cosine:1.5').params);
    expect(over.issues.map((i) => i.field)).toContain('tune');
  });

  for (const target of ['cosine:0.99', 'rel:0.1'] as const) {
    it(`the answer meets ${target} and the next-cheaper grid point does not (independent re-run); a method that cannot is reported`, async () => {
      const n = 256;
      const d = 16;
      const x = attentionInputs('a_shape', 1, n, d, 4, true);
      const p = { ...x, causal: true };
      const v = {
        ...attentionSpec.defaults,
        n,
        d,
        data: 'a_shape',
        causal: true,
        tune: target,
      } as AttnValues;
      const be = cpuBackend(p, signal);
      const dense = await be.dense();
      const t = parseTune(target);
      if (!t) throw new Error('no target');
      const knobs = tuneKnobs(v, p).filter((k) => ['rho', 'window', null].includes(k.field));
      const streamed: number[] = [];
      const rows = await tune(v, p, be, dense, t, signal, (s) => streamed.push(s.length), knobs);
      expect(streamed.length).toBeGreaterThan(3);
      const check = async (values: Partial<AttnValues>) => {
        const r = await runMethod({ ...v, ...values } as AttnValues, p, cpuBackend(p, signal), dense);
        const c = compare(r.out, dense.out, n, d, r.lse, dense.lse);
        return meetsTarget(t, c.relL2, c.cosine);
      };
      let met = 0;
      for (const r of rows) {
        if (!r.best) {
          expect(
            await check({ ...r.knob.fixed, ...(r.knob.field ? { [r.knob.field]: r.knob.grid.at(-1) } : {}) }),
          ).toBe(false);
          continue;
        }
        met++;
        expect(r.knob.field).not.toBeNull();
        const field = r.knob.field as keyof AttnValues;
        expect(await check({ ...r.knob.fixed, [field]: r.best.setting })).toBe(true);
        const i = r.knob.grid.indexOf(r.best.setting);
        if (i > 0) {
          expect(r.cheaper?.setting).toBe(r.knob.grid[i - 1]);
          expect(await check({ ...r.knob.fixed, [field]: r.knob.grid[i - 1] })).toBe(false);
        }
        expect(r.link).toMatch(/^#\/attention\?/);
        const back = decodeParams(attentionSpec, parseLocation(r.link ?? '').params);
        expect(back.issues).toEqual([]);
        expect(back.values[field]).toBe(r.best.setting);
      }
      expect(met).toBeGreaterThan(0);
      // Linear attention on an A-shape head cannot reach cosine 0.99 / rel 0.1: said so in the table.
      const table = tuneTable(rows, t, dense.ms);
      const linear = table.rows.find((r) => String(r[0]).startsWith('linear'));
      expect(linear?.[1]).toBe('cannot meet the target');
    });
  }
});
