/**
 * Hostile and damaged files: every reader either returns an array or throws its own error type with a
 * message naming the file; never a TypeError, RangeError or a hang.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, readCsv } from './csv';
import { NpyError, readNpy } from './npy';
import { NpzError, readNpz } from './npz';
import { readUserFile, UserDataError } from './user-data';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/npy/${name}`, import.meta.url)));

function expectOwnError(f: () => unknown, types: (new (...a: never[]) => Error)[], name: string) {
  try {
    f();
  } catch (e) {
    if (!types.some((t) => e instanceof t)) throw e;
    expect((e as Error).message.startsWith(`${name}: `)).toBe(true);
  }
}

/** A file with some bytes overwritten, cut short or extended. */
const mutated = (base: Uint8Array) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(base.length + 8),
    )
    .map(([edits, len]) => {
      const out = new Uint8Array(len);
      out.set(base.subarray(0, Math.min(len, base.length)));
      for (const [i, v] of edits) if (i < len) out[i] = v;
      return out;
    });

describe('damaged files give a message, never a crash', () => {
  it('.npy: edited headers, cut or padded files', () => {
    for (const f of ['f4_2x3.npy', 'fortran_f8_2x3.npy', 'be_f4_fortran_2x3.npy', 'v2.npy', 'f2_5.npy']) {
      const base = fixture(f);
      fc.assert(
        fc.property(mutated(base), (b) => expectOwnError(() => readNpy(b, 'm.npy'), [NpyError], 'm.npy')),
        { numRuns: 150 },
      );
    }
  });
  it('.npy: random header text', () => {
    const header = fc.stringMatching(/^[{}()[\]'": ,a-z_<>|0-9TFLx.\n-]{0,80}$/);
    fc.assert(
      fc.property(header, (h) => {
        const text = new TextEncoder().encode(h);
        const b = new Uint8Array(10 + text.length + 16);
        b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 255, text.length >> 8]);
        b.set(text, 10);
        expectOwnError(() => readNpy(b, 'h.npy'), [NpyError], 'h.npy');
      }),
      { numRuns: 400 },
    );
  });
  it('.npz: edited or cut archives', async () => {
    for (const f of ['qkv_stored.npz', 'qkv_deflated.npz']) {
      const base = fixture(f);
      fc.assert(
        fc.property(mutated(base), (b) =>
          expectOwnError(
            () => readNpz(b, 'm.npz').map((m) => readNpy(m.bytes, 'm.npz')),
            [NpzError, NpyError],
            'm.npz',
          ),
        ),
        { numRuns: 150 },
      );
    }
    // Through the shared reader too (async).
    const bad = fixture('qkv_deflated.npz').slice(0, 200);
    await expect(
      readUserFile('cut.npz', bad, { slots: ['q', 'k', 'v'], experiment: 'attention', archiveByName: true }),
    ).rejects.toSatisfy((e) => e instanceof NpzError || e instanceof UserDataError);
  });
  it('CSV: random text of quotes, commas, line ends and number-like cells', () => {
    const text = fc.stringMatching(/^[",\r\n 0-9.eE+\-infaINFA\u00ef\ufeff]{0,120}$/);
    fc.assert(
      fc.property(text, (t) => expectOwnError(() => readCsv(t, 'c.csv'), [CsvError], 'c.csv')),
      { numRuns: 500 },
    );
  });
});
