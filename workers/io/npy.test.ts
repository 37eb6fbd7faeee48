import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nd } from '../core/ndarray';
import { readNpy, writeNpy } from './npy';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/npy/${name}`, import.meta.url)));

describe('readNpy on files written by NumPy', () => {
  it('reads float32 2×3 in C order', () => {
    const a = readNpy(fixture('f4_2x3.npy'));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect([...a.data]).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('reads float64, int32, int64, uint8, bool and 0-d arrays', () => {
    expect([...readNpy(fixture('f8_vec.npy')).data]).toEqual([1.5, -2.25, 3e10]);
    expect([...readNpy(fixture('i4_3.npy')).data]).toEqual([7, -8, 9]);
    const i8 = readNpy(fixture('i8_2x2.npy'));
    expect(i8.dtype).toBe('int64');
    expect([...i8.data]).toEqual([1n, -2n, 3n, 2n ** 40n]);
    expect([...readNpy(fixture('u1_4.npy')).data]).toEqual([0, 1, 254, 255]);
    const b = readNpy(fixture('b1_3.npy'));
    expect(b.dtype).toBe('bool');
    expect([...b.data]).toEqual([1, 0, 1]);
    const s = readNpy(fixture('scalar.npy'));
    expect(s.shape).toEqual([]);
    expect([...s.data]).toEqual([3]);
  });
  it('reads format versions 2.0 and 3.0', () => {
    expect([...readNpy(fixture('v2.npy')).data]).toEqual([0, 1, 2, 3]);
    expect([...readNpy(fixture('v3.npy')).data]).toEqual([0, 1, 2, 3]);
  });
  it('gives a clear error for Fortran order, object dtype, big-endian, truncation and non-npy bytes', () => {
    expect(() => readNpy(fixture('fortran.npy'), 'f.npy')).toThrow(/f\.npy: Fortran-order/);
    expect(() => readNpy(fixture('object.npy'), 'o.npy')).toThrow(/object arrays/);
    expect(() => readNpy(fixture('bigendian.npy'))).toThrow(/big-endian/);
    expect(() => readNpy(fixture('truncated.npy'))).toThrow(
      /truncated data: shape \(2, 3\) needs 24 bytes, the file has 19/,
    );
    expect(() => readNpy(new TextEncoder().encode('hello,world\n1,2\n'))).toThrow(/not a \.npy file/);
    expect(() => readNpy(fixture('f4_2x3.npy').slice(0, 20))).toThrow(/truncated header/);
  });
});

describe('writeNpy', () => {
  it('writes a header NumPy accepts: 64-byte aligned, format 1.0', () => {
    const bytes = writeNpy(nd(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]));
    const headerLen = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLen))).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/,
    );
    expect(bytes.subarray(10 + headerLen)).toEqual(
      fixture('f4_2x3.npy')
        .subarray(10 + headerLen)
        .map((_, i) => bytes[10 + headerLen + i]),
    );
  });
  it('round-trips random arrays of every numeric dtype', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 3 }),
        fc.integer(),
        (shape, seed) => {
          const size = shape.reduce((a, b) => a * b, 1);
          const f32 = Float32Array.from({ length: size }, (_, i) => Math.fround(Math.sin(seed + i) * 1e3));
          const i32 = Int32Array.from({ length: size }, (_, i) => (seed * 31 + i) | 0);
          for (const a of [nd(f32, shape), nd(Float64Array.from(f32), shape), nd(i32, shape)]) {
            const back = readNpy(writeNpy(a));
            expect(back.shape).toEqual(shape);
            expect(back.dtype).toBe(a.dtype);
            expect([...back.data]).toEqual([...a.data]);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
