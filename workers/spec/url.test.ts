import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineSpec, type SpecDef } from './define';
import { bool, choice, type Fields, file, num, type Values } from './fields';
import { specs } from './registry';
import { decodeParams, encodeQuery, META_KEYS, parseLocation, toHash } from './url';

const demo = defineSpec({
  id: 'demo',
  title: 'Demo',
  fields: {
    n: num({ label: 'N', default: 64, min: 16, max: 4096, int: true }),
    rate: num({ label: 'Rate', default: 0.5, min: 0, max: 1 }),
    method: choice(['dense', 'sla', 'linear'], { label: 'Method', default: 'dense' }),
    causal: bool({ label: 'Causal', default: false }),
    q: file({ label: 'Q' }),
  },
  rules: (v) => (v.method === 'sla' && v.n < 32 ? [{ field: 'n', message: 'SLA needs n ≥ 32' }] : []),
});

/** A random valid value set for any spec: the round-trip property runs over every registered experiment. */
function arbitraryValues<F extends Fields>(fields: F): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, f] of Object.entries(fields)) {
    if (f.kind === 'number') {
      parts[k] = f.int
        ? fc.integer({ min: Math.ceil(f.min), max: Math.floor(f.max) })
        : fc
            .double({ min: f.min, max: f.max, noNaN: true, noDefaultInfinity: true })
            .map((x) => (Object.is(x, -0) ? 0 : x));
    } else if (f.kind === 'enum') parts[k] = fc.constantFrom(...f.options);
    else if (f.kind === 'bool') parts[k] = fc.boolean();
    else
      parts[k] = fc.option(
        fc.record({
          name: fc.string({ minLength: 1, maxLength: 30 }),
          shape: fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 3 }),
          sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
        }),
        { nil: null },
      );
  }
  return fc.record(parts);
}

describe('share-URL codec', () => {
  it('decode(encode(spec)) == spec for random valid specs of every experiment', () => {
    for (const def of [demo as unknown as SpecDef, ...Object.values(specs)]) {
      fc.assert(
        fc.property(arbitraryValues(def.fields), (values) => {
          if (!def.schema.safeParse(values).success || def.rules(values as never).length) return; // only valid specs
          const query = encodeQuery(def, values as never);
          const { route, params } = parseLocation(`#/${def.id}?${query}`);
          expect(route).toBe(def.id);
          const back = decodeParams(def, params);
          expect(back.issues).toEqual([]);
          expect(back.values).toEqual(values);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('no experiment has a field named like a page-level key (it would be read as the page key)', () => {
    for (const def of Object.values(specs)) {
      for (const key of Object.keys(def.fields)) expect(META_KEYS as readonly string[]).not.toContain(key);
    }
  });

  it('omits defaults and carries a version', () => {
    expect(toHash(demo, { ...demo.defaults, n: 128 } as Values<typeof demo.fields>)).toBe(
      '#/demo?ver=1&n=128',
    );
    expect(encodeQuery(demo, demo.defaults)).toBe('ver=1');
  });

  it('names each bad field and falls back to its default', () => {
    const { values, issues } = decodeParams(
      demo,
      new URLSearchParams('n=NaN&rate=1e99&method=<script>alert(1)</script>&causal=maybe&zzz=1&q=notahash'),
    );
    expect(values).toEqual(demo.defaults);
    const fields = issues.map((i) => i.field).sort();
    expect(fields).toEqual(['causal', 'method', 'n', 'q', 'rate', 'zzz']);
    expect(issues.find((i) => i.field === 'n')?.message).toBe(
      'n must be an integer from 16 to 4096 (got "NaN"); using the default 64',
    );
    expect(issues.find((i) => i.field === 'zzz')?.message).toBe('unknown parameter "zzz" was ignored');
  });

  it('rejects out-of-range, non-integer and hex/Infinity numbers', () => {
    for (const bad of ['99999', '15', '17.5', '0x20', 'Infinity', '', ' 32', '1e400']) {
      const { issues } = decodeParams(demo, new URLSearchParams({ n: bad }));
      expect(issues.map((i) => i.field)).toEqual(['n']);
    }
  });

  it('repairs a broken cross-field rule with the nearest value that fits, and says so', () => {
    const { values, issues } = decodeParams(demo, new URLSearchParams('method=sla&n=20'));
    expect(values.method).toBe('sla');
    expect(values.n).toBe(32);
    expect(issues).toEqual([
      { field: 'n', fields: ['n'], message: 'n = 20: SLA needs n ≥ 32; using n = 32' },
    ]);
  });

  it('keeps page-level keys apart from the spec and truncates hostile keys in messages', () => {
    const long = 'k'.repeat(500);
    const { meta, issues } = decodeParams(demo, new URLSearchParams(`embed=1&lock=n,rate&${long}=1`));
    expect(meta).toEqual({ embed: '1', lock: 'n,rate' });
    expect(issues[0].message.length).toBeLessThan(80);
  });

  it('parses full URLs, hashes, paths and bare queries', () => {
    expect(parseLocation('https://x.org/lab/#/demo?n=32').route).toBe('demo');
    expect(parseLocation('#/demo?n=32').params.get('n')).toBe('32');
    expect(parseLocation('/demo?n=32').route).toBe('demo');
    expect(parseLocation('n=32').route).toBeNull();
    expect(parseLocation('#/<script>?n=1').route).toBeNull();
  });
});
