import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('is deterministic for a seed and stream, and streams differ', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(42)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(42)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(42, 1)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
  it('pins the first outputs so a change to the generator (which would change every shared link) is caught', () => {
    const r = new Rng(1);
    const first = [r.nextU32(), r.nextU32(), r.nextU32()];
    // Recomputed independently from the xoshiro128** and splitmix32 definitions with Python ints.
    expect(first).toEqual(EXPECTED_SEED1);
  });
  it('gives uniforms in [0,1) with the right mean and normals with mean 0, variance 1', () => {
    const r = new Rng(7);
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    let outside = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(outside).toBe(0);
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.02);
  });
  it('samples k distinct indices', () => {
    const s = new Rng(3).sample(50, 20);
    expect(new Set(s).size).toBe(20);
    expect(s.every((i) => i >= 0 && i < 50)).toBe(true);
  });
});

const EXPECTED_SEED1 = [2466671647, 704075991, 1425070668];
