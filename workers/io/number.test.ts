import { describe, expect, it } from 'vitest';
import { matmulSpec } from '../spec/matmul';
import { decodeParams, parseLocation } from '../spec/url';
import { readCsv } from './csv';
import { parseNpyHeader } from './npy';
import { MAX_NUMBER_CHARS, scanNumber } from './number';

describe('scanNumber', () => {
  it('reads decimal numbers the way Number() does, and nothing else', () => {
    for (const s of [
      '0',
      '-1',
      '+2.5',
      '1.',
      '.5',
      '1e5',
      '1E-05',
      '-0.0e+0',
      '123456789012345678901234567890',
    ])
      expect(scanNumber(s)).toEqual({ ok: true, value: Number(s) });
    for (const s of [
      '',
      '.',
      '-',
      'e5',
      '1e',
      '1e+',
      '1..2',
      '0x10',
      '1_000',
      ' 1',
      '1 ',
      'inf',
      'Infinity',
      'NaN',
      '1,5',
    ])
      expect(scanNumber(s).ok, s).toBe(false);
  });
  it('reads inf, infinity and nan in any case when asked (CSV), never in URLs', () => {
    expect(scanNumber('-INF', { special: true })).toEqual({ ok: true, value: -Infinity });
    expect(scanNumber('Infinity', { special: true })).toEqual({ ok: true, value: Infinity });
    expect(Number.isNaN((scanNumber('nan', { special: true }) as { value: number }).value)).toBe(true);
    expect(scanNumber('infinite', { special: true }).ok).toBe(false);
  });
  it('refuses values longer than the cap with a reason', () => {
    expect(scanNumber('1'.repeat(MAX_NUMBER_CHARS + 1))).toEqual({
      ok: false,
      why: `it is ${MAX_NUMBER_CHARS + 1} characters long (a number has at most ${MAX_NUMBER_CHARS})`,
    });
  });
});

/** Mean time of one call of f over a stretch of at least 5 ms. */
function timeOf(f: () => void): number {
  const t0 = performance.now();
  let k = 0;
  do {
    f();
    k++;
  } while (performance.now() - t0 < 5);
  return (performance.now() - t0) / k;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Parsing hostile input is linear: 10× more input costs about 10× more time (a quadratic parser would
 * cost ~100×). The bound is a ratio of medians of interleaved measurements in this run, not a time
 * limit; it allows 20× for noise on a shared machine, and a noisy round is measured again (up to 5).
 */
function expectLinear(make: (len: number) => string, parse: (s: string) => void): number {
  // Flat strings (not ropes), so both sizes are read the same way.
  const small = make(10_000).split('').join('');
  const big = make(100_000).split('').join('');
  let best = Infinity;
  for (let round = 0; round < 5 && best >= 20; round++) {
    const ts: number[] = [];
    const tb: number[] = [];
    for (let r = 0; r < 9; r++) {
      ts.push(timeOf(() => parse(small)));
      tb.push(timeOf(() => parse(big)));
    }
    best = Math.min(best, median(tb) / median(ts));
  }
  expect(best).toBeLessThan(20);
  return best;
}

describe('hostile long values cost time linear in their length', () => {
  const digits = (len: number) => `${'1'.repeat(len - 1)}x`;
  it('the number scanner itself, without its cap', () => {
    expectLinear(digits, (s) => expect(scanNumber(s, { maxChars: Infinity }).ok).toBe(false));
  });
  it('the URL codec (#/matmul?m=111…1x)', () => {
    expectLinear(
      (len) => `#/matmul?m=${digits(len)}`,
      (s) => {
        const d = decodeParams(matmulSpec, parseLocation(s).params);
        expect(d.issues[0].message).toMatch(/^m must be .*characters long \(a number has at most 400\)/);
      },
    );
  });
  it('a CSV cell', () => {
    expectLinear(
      (len) => `a,b\n1,${digits(len)}\n`,
      (s) => expect(() => readCsv(s)).toThrow(/row 2, column "b": the cell is \d+ characters long/),
    );
  });
  it('an .npy header (the dict parser, below the file-level size cap)', () => {
    expectLinear(
      (len) => `{'descr': '<f4', 'fortran_order': False, 'shape': (${'1'.repeat(len)}x,)}`,
      (s) => expect(() => parseNpyHeader(s)).toThrow(/a number \d+ characters long/),
    );
    expectLinear(
      (len) => `{'descr': '${'a'.repeat(len)}`,
      (s) => expect(() => parseNpyHeader(s)).toThrow(/never closed/),
    );
    expectLinear(
      (len) => `{'descr': '<f4', ${'  \n'.repeat(len / 3)}`,
      (s) => expect(() => parseNpyHeader(s)).toThrow(/ends where a value should be|never closed/),
    );
  });
});
