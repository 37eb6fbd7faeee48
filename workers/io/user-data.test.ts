import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nd } from '../core/ndarray';
import { runExperiment } from '../experiments/runner';
import type { RunContext } from '../experiments/types';
import { selectFileSource } from '../spec/data-rule';
import { specs } from '../spec/registry';
import { sha256Hex } from './hash';
import { readNpy } from './npy';
import { readNpz } from './npz';
import { checkUserData, readUserFile, type SlotTarget } from './user-data';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/npy/${name}`, import.meta.url)));
const attention: SlotTarget = { slots: ['q', 'k', 'v'], experiment: 'attention', archiveByName: true };

describe('.npz archives as np.savez and np.savez_compressed write them', () => {
  it('reads stored and deflated members to the same arrays, filling slots by name', async () => {
    const stored = await readUserFile('qkv_stored.npz', fixture('qkv_stored.npz'), attention);
    const deflated = await readUserFile('qkv_deflated.npz', fixture('qkv_deflated.npz'), attention);
    expect(stored.map((m) => m.slot).sort()).toEqual(['k', 'q', 'v']);
    for (const s of stored) {
      const d = deflated.find((m) => m.slot === s.slot);
      expect(d?.array).toEqual(s.array);
      expect(d?.ref.sha256).toBe(s.ref.sha256);
      expect(s.array.shape).toEqual([16, 8]);
    }
    const q = stored.find((m) => m.slot === 'q');
    // The member's hash is the hash of the same array saved alone with np.save.
    expect(q?.ref).toEqual({
      name: 'qkv_stored.npz:q',
      shape: [16, 8],
      sha256: await sha256Hex(fixture('q_alone.npy')),
    });
    expect(q?.array).toEqual(readNpy(fixture('q_alone.npy')));
    // v was saved in Fortran order inside the archive: transposed on read, and the note says so.
    const v = stored.find((m) => m.slot === 'v');
    expect(v?.array.dtype).toBe('float64');
    expect(v?.info.notes).toEqual(['qkv_stored.npz:v is in Fortran order: transposed to C order on read']);
  });
  it('refuses arrays the experiment has no slot for, naming them', async () => {
    await expect(readUserFile('p.npz', fixture('positional.npz'), attention)).rejects.toThrow(
      'p.npz: attention has no data slot named "arr_0", "arr_1" (its slots are q, k, v); name the arrays when saving, e.g. np.savez(f, q=q, k=k, v=v)',
    );
    await expect(
      readUserFile('s.npz', fixture('single.npz'), {
        ...attention,
        slots: ['X', 'y'],
        experiment: 'regression',
      }),
    ).rejects.toThrow('s.npz: regression has no data slot named "only" (its slots are X, y)');
  });
  it('fills a named slot from a one-array archive; refuses a several-array archive for one slot', async () => {
    const [one] = await readUserFile('s.npz', fixture('single.npz'), {
      ...attention,
      slot: 'k',
      archiveByName: false,
    });
    expect(one.slot).toBe('k');
    expect([...one.array.data]).toEqual([0, 1, 2, 3]);
    await expect(
      readUserFile('qkv.npz', fixture('qkv_stored.npz'), { ...attention, slot: 'q', archiveByName: false }),
    ).rejects.toThrow(/qkv\.npz holds 3 arrays \(q, k, v\), so it cannot fill the one slot q/);
    // In the app, dropping it on any slot fills all three by name.
    const all = await readUserFile('qkv.npz', fixture('qkv_stored.npz'), { ...attention, slot: 'q' });
    expect(all.map((m) => m.slot).sort()).toEqual(['k', 'q', 'v']);
  });
  it('says what is wrong with a damaged archive or a file of another kind', async () => {
    const z = fixture('qkv_deflated.npz');
    expect(() => readNpz(z.slice(0, z.length - 30), 'cut.npz')).toThrow(/^cut\.npz: the archive is damaged/);
    await expect(
      readUserFile('x.bin', new Uint8Array([1, 2, 3]), { ...attention, slot: 'q' }),
    ).rejects.toThrow('x.bin: expected a .npy, .npz or .csv file');
    await expect(readUserFile('q.npy', fixture('q_alone.npy'), attention)).rejects.toThrow(
      /q\.npy: say which data slot it is for/,
    );
  });
});

describe('CSV and .npy files fill one named slot', () => {
  it("records a CSV's dtype and a dropped pandas index column in the input's notes", async () => {
    const csv = new TextEncoder().encode('\uFEFF,a,b\r\n0,1,2\r\n1,3,4\r\n');
    const [X] = await readUserFile('df.csv', csv, { ...attention, slot: 'X' });
    expect(X.array.shape).toEqual([2, 2]);
    expect([...X.array.data]).toEqual([1, 2, 3, 4]);
    expect(X.info).toEqual({
      file: 'df.csv',
      fileDtype: 'float64 (CSV)',
      shape: [2, 2],
      notes: [
        'df.csv: the first column has no header name, so it was read as a pandas index and dropped (save with index=False to avoid this)',
      ],
    });
    expect(X.ref.sha256).toBe(await sha256Hex(csv));
  });
});

describe('checkUserData: one rule for every lab', () => {
  it('names the slot, the file and the first non-finite index', () => {
    const x = nd(new Float64Array([1, 2, 3, Number.NaN, Infinity, 6]), [2, 3]);
    expect(() =>
      checkUserData({ X: x }, { X: { file: 'X.npy', fileDtype: 'float64', shape: [2, 3], notes: [] } }),
    ).toThrow('X (X.npy): the value at index [1, 0] (flat 3) is NaN; the labs need finite numbers');
    expect(() => checkUserData({ a: nd(new Float32Array([0, -Infinity]), [2]) })).toThrow(
      'a: the value at index 1 is -Infinity',
    );
  });
  it('refuses integers float32 cannot hold exactly, from a NumPy int64 file', async () => {
    const [X] = await readUserFile('big.npy', fixture('i8_too_large.npy'), { ...attention, slot: 'X' });
    expect(() => checkUserData({ X: X.array }, { X: X.info })).toThrow(
      'X (big.npy): the integer 16777217 at index [1, 1] (flat 3) cannot be held exactly in float32',
    );
    const ok = nd(new Int32Array([2 ** 24, -(2 ** 24)]), [2]);
    expect(() => checkUserData({ a: ok })).not.toThrow();
  });
});

describe('every lab refuses NaN in the user data the same way (matmul included)', () => {
  for (const [id, def] of Object.entries(specs)) {
    const slots = Object.entries(def.fields).filter(([, f]) => f.kind === 'file');
    for (const [slot] of slots) {
      it(`${id}: ${slot}`, async () => {
        // A complete set of files for the source that reads this slot (the data-source rule wants it complete;
        // regression's A and B are KroSBL's factors, read with y); one file holds a NaN.
        const kron = id === 'regression' && (slot === 'A' || slot === 'B');
        const used = slots
          .map(([s]) => s)
          .filter((s) => id !== 'regression' || (kron ? s !== 'X' : s !== 'A' && s !== 'B'));
        const data = Object.fromEntries(
          used.map((s) => [
            s,
            nd(new Float32Array(s === slot ? [1, Number.NaN, 3, 4] : [1, 2, 3, 4]), [2, 2]),
          ]),
        );
        const inputs = Object.fromEntries(
          used.map((s) => [
            s,
            { file: s === slot ? 'f.npy' : `${s}.npy`, fileDtype: 'float32', shape: [2, 2], notes: [] },
          ]),
        );
        const defaults = { ...def.defaults, ...(kron ? { solver: 'kron_sbl' } : {}) };
        const values = selectFileSource(def, defaults, new Set(Object.keys(data)));
        const ctx: RunContext = {
          backend: 'cpu',
          gpu: null,
          data,
          inputs,
          dataset: () => Promise.reject(new Error('no datasets here')),
          signal: new AbortController().signal,
          progress: () => {},
        };
        await expect(runExperiment(id, values, ctx)).rejects.toThrow(
          `${slot} (f.npy): the value at index [0, 1] (flat 1) is NaN; the labs need finite numbers`,
        );
      });
    }
  }
});

describe('a .npz that lies about its sizes', () => {
  it('is refused before anything is inflated', () => {
    const z = fixture('qkv_deflated.npz');
    // Overwrite the uncompressed size (offset 22) of the first local header and in the central directory.
    const bad = z.slice();
    const dv = new DataView(bad.buffer);
    let cd = -1;
    for (let i = bad.length - 22; i >= 0; i--)
      if (dv.getUint32(i, true) === 0x06054b50) cd = dv.getUint32(i + 16, true);
    expect(cd).toBeGreaterThan(0);
    dv.setUint32(cd + 24, 2 ** 31 - 1, true);
    expect(() => readNpz(bad, 'bomb.npz')).toThrow(
      /^bomb\.npz: member q\.npy (claims 2147483647 bytes|would unpack)/,
    );
  });
});
