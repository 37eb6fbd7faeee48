import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SpecDef, validate } from './define';
import type { Field } from './fields';
import { specs } from './registry';
import { resolveLocation } from './resolve';
import { decodeParams, META_KEYS } from './url';

const INVALID = Symbol('invalid');

/** A value the field accepts, biased to its ends (where cross-field rules break). */
function validValue(f: Field): fc.Arbitrary<unknown> {
  switch (f.kind) {
    case 'number': {
      const any = f.int
        ? fc.integer({ min: Math.ceil(f.min), max: Math.floor(f.max) })
        : fc
            .double({ min: f.min, max: f.max, noNaN: true, noDefaultInfinity: true })
            .map((x) => (Object.is(x, -0) ? 0 : x));
      const ends = [f.min, f.max, f.default].map((x) => (f.int ? Math.round(x) : x));
      return fc.oneof(any, fc.constantFrom(...ends));
    }
    case 'enum':
      return fc.constantFrom(...f.options);
    case 'bool':
      return fc.boolean();
    case 'file':
      return fc
        .record({
          name: fc.string({ minLength: 1, maxLength: 30 }),
          shape: fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 3 }),
          sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
        })
        .map((r) => ({ ...r }));
    case 'text':
      return fc.oneof(
        fc.constant(f.default),
        fc.stringMatching(f.pattern).filter((t) => t.length <= f.maxLength && !t.includes('&')),
      );
  }
}

function encode(f: Field, v: unknown): string {
  if (f.kind === 'bool') return v ? '1' : '0';
  if (f.kind === 'file') {
    const r = v as { name: string; shape: number[]; sha256: string };
    return `${r.sha256}~${r.shape.join('x')}~${r.name}`;
  }
  return String(v);
}

/** Raw values no field of this kind accepts: hostile, long, out of range. */
function invalidRaw(f: Field): fc.Arbitrary<string> {
  const hostile = fc.constantFrom(
    '<script>alert(1)</script>',
    'NaN',
    '',
    ' ',
    '1e400',
    '-Infinity',
    '0x10',
    '\u0000',
    'a'.repeat(3000),
    '9'.repeat(400),
    '%00',
    '~~',
    'undefined',
  );
  if (f.kind === 'number')
    return fc.oneof(hostile, fc.constant(String(f.max * 10 + 1)), fc.constant(String(f.min - 1)));
  // A free-text field accepts what its pattern matches (the empty string, for some): only the rest is hostile.
  if (f.kind === 'text') return hostile.filter((t) => t.length > f.maxLength || !f.pattern.test(t));
  return hostile;
}

type Entry = { key: string; raw: string; intended: unknown };

function linkOf(def: SpecDef): fc.Arbitrary<Entry[]> {
  const keys = Object.keys(def.fields);
  const field = fc.constantFrom(...keys);
  const valid = field.chain((key) =>
    validValue(def.fields[key]).map((v) => ({
      key,
      raw: encode(def.fields[key], v),
      intended: v as unknown,
    })),
  );
  const invalid = field.chain((key) =>
    invalidRaw(def.fields[key]).map((raw) => ({ key, raw, intended: INVALID as unknown })),
  );
  const unknown = fc
    .string({ minLength: 1, maxLength: 600 })
    .filter((k) => !keys.includes(k) && !(META_KEYS as readonly string[]).includes(k))
    .map((key) => ({ key, raw: 'x', intended: INVALID as unknown }));
  const meta = fc
    .constantFrom(...META_KEYS)
    .map((key) => ({ key, raw: 'x'.repeat(700), intended: null as unknown }));
  return fc.array(
    fc.oneof({ weight: 6, arbitrary: valid }, { weight: 2, arbitrary: invalid }, unknown, meta),
    {
      maxLength: 25,
    },
  );
}

const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

describe('URL repair: no user value is dropped without a message naming it', () => {
  it('every spec’s defaults satisfy its rules', () => {
    for (const def of Object.values(specs)) expect(validate(def, def.defaults).ok).toBe(true);
  });

  for (const def of Object.values(specs)) {
    it(`long, hostile and conflicting ${def.id} links`, () => {
      fc.assert(
        fc.property(linkOf(def), (entries) => {
          const params = new URLSearchParams(entries.map((e) => [e.key, e.raw]));
          const { values, issues } = decodeParams(def, params);
          // The result is always a valid spec, and never "all defaults" wholesale.
          expect(validate(def, values).ok).toBe(true);
          for (const i of issues) {
            expect(i.message).not.toMatch(/using all defaults/);
            expect(i.message.length).toBeLessThan(1200);
          }
          const named = (k: string, note = false) =>
            issues.some((i) => (i.field === k || i.fields?.includes(k)) && (note || !i.note));
          const seen = new Set<string>();
          for (const e of entries) {
            if ((META_KEYS as readonly string[]).includes(e.key)) continue;
            if (!Object.hasOwn(def.fields, e.key)) {
              expect(named(e.key.slice(0, 40))).toBe(true);
              continue;
            }
            if (seen.has(e.key)) {
              expect(named(e.key), `duplicate ${e.key}`).toBe(true);
              continue;
            }
            seen.add(e.key);
            if (e.intended === INVALID || !same(values[e.key], e.intended))
              expect(named(e.key), `${e.key}=${e.raw.slice(0, 40)} → ${String(values[e.key])}`).toBe(true);
          }
          // A value the user did not set changes only with a note naming it.
          for (const k of Object.keys(def.fields)) {
            if (seen.has(k) || same(values[k], def.defaults[k])) continue;
            expect(named(k, true), `default ${k} changed silently`).toBe(true);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it("keeps the user's values in links whose fields are each valid", () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['#/attention?n=16', { n: 16, window: 32 }],
      ['#/attention?kh=100', { kh: 100, kl: 0 }],
      ['#/attention?data=file', { data: 'file' }],
      ['#/matmul?m=8192&n=8192', { m: 8192 }],
      ['#/regression?study=sweep_n', { study: 'sweep_n', solver: 'lasso' }],
      ['#/regression?d=1', { d: 1, s: 1 }],
      ['#/sae?latents=2', { latents: 2, k: 2 }],
      ['#/sae?samples=64', { samples: 64, batch: 57 }],
    ];
    for (const [link, want] of cases) {
      const r = resolveLocation(link);
      if ('error' in r) throw new Error(r.error);
      expect(r.values, link).toMatchObject(want);
      // Only the user's own value that cannot fit (matmul's n) is an error; the rest are notes.
      const errors = r.issues.filter((i) => !i.note);
      if (link.startsWith('#/matmul')) {
        expect(errors).toHaveLength(1);
        expect(errors[0].message).toBe(
          'm = 8192 and n = 8192: m·k + k·n + m·n must stay under 64M elements (256 MiB of float32); using n = 7695',
        );
        expect(r.values.n).toBe(7695);
      } else expect(errors, link).toEqual([]);
    }
  });

  it('moves the user value the rule blames to the nearest value that fits, naming both fields', () => {
    const cases: Array<[SpecDef, string, string]> = [
      [
        specs.regression,
        'study=sweep_eps&solver=ldp_ni&epsMin=0.5&epsMax=0.3',
        'epsMin = 0.5 and epsMax = 0.3: smallest ε must be below largest ε; using epsMin = 0.299',
      ],
      [
        specs.attention,
        'method=sla&kh=60&kl=50',
        'kh = 60 and kl = 50: kh + kl must be at most 100%; using kl = 40',
      ],
      [
        specs.attention,
        'method=loglinear&causal=0',
        'method = loglinear and causal = false: log-linear attention is causal only; using causal = true',
      ],
    ];
    for (const [def, query, message] of cases) {
      const { issues } = decodeParams(def, new URLSearchParams(query));
      expect(issues.map((i) => i.message)).toEqual([message]);
    }
  });

  it('refuses a conflict between two user values by naming both and the rule', () => {
    const { values, issues } = decodeParams(specs.regression, new URLSearchParams('study=cv&solver=omp'));
    expect(values).toMatchObject({ study: 'cv', solver: 'lasso_path' });
    expect(issues).toEqual([
      {
        field: 'solver',
        fields: ['study', 'solver'],
        message:
          'study = cv and solver = omp: the CV curve needs lasso, enet, lasso_path or enet_path; using solver = lasso_path',
      },
    ]);
  });
});
