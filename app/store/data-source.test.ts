/** The app's side of the data-source rule: the store's edits and the share link, without a browser. */
import { describe, expect, it } from 'vitest';
import { dataIssues, derivedValues, filesNamed } from '../../workers/spec/data-rule';
import { specFor } from '../../workers/spec/registry';
import { resolveLocation } from '../../workers/spec/resolve';
import { PRESETS } from '../content/presets';
import { TOURS } from '../content/tours';
import { shareHash } from '../runtime/url-sync';
import { createLabStore, type UserFile } from './lab-store';

const userFile = (name: string, shape: number[], hex = 'a'): UserFile => ({
  name,
  bytes: new ArrayBuffer(8),
  ref: { name, shape, sha256: hex.repeat(64) },
  dtype: 'float32',
});

const issuesOf = (s: ReturnType<ReturnType<typeof createLabStore>['getState']>) => {
  const def = specFor(s.experiment)!;
  return dataIssues(def, s.values, filesNamed(def, s.values));
};

describe('data source in the app store', () => {
  it('attention: a file selects data=file; a generator again drops the files from the values and the link', () => {
    const store = createLabStore('attention');
    store.getState().setValue('n', 1024);
    store.getState().attachFile('q', userFile('q.npy', [2, 24, 16], 'a'));
    expect(store.getState().values.data).toBe('file');
    expect(issuesOf(store.getState())).toEqual([
      {
        field: 'k',
        missing: true,
        message: 'your own Q, K, V (data=file) need all three .npy files; missing: k, v',
      },
    ]);
    store.getState().attachFile('k', userFile('k.npy', [2, 24, 16], 'b'));
    store.getState().attachFile('v', userFile('v.npy', [2, 24, 16], 'c'));
    expect(issuesOf(store.getState())).toEqual([]);
    // N, d and heads come from the files: read-only values, and the link leaves n out.
    const def = specFor('attention')!;
    expect(derivedValues(def, store.getState().values)).toEqual({ heads: 2, n: 24, d: 16 });
    const withFiles = shareHash(store.getState());
    expect(withFiles).toMatch(/data=file/);
    expect(withFiles).toMatch(/q=a{64}~2x24x16~q\.npy/);
    expect(withFiles).not.toMatch(/[?&]n=/);

    store.getState().setValue('data', 'clustered');
    const s = store.getState();
    expect([s.values.q, s.values.k, s.values.v]).toEqual([null, null, null]);
    expect(s.files).toEqual({});
    expect(derivedValues(def, s.values)).toEqual({});
    // The user's N is used again.
    expect(shareHash(s)).toBe('#/attention?ver=1&data=clustered&n=1024');
    expect(issuesOf(s)).toEqual([]);
  });

  it('regression: X selects source=file; diabetes drops X and y; a sweep names the unused file', () => {
    const store = createLabStore('regression');
    store.getState().attachFile('y', userFile('y.csv', [40, 1], 'b'));
    expect(store.getState().values.source).toBe('file');
    expect(issuesOf(store.getState()).map((i) => i.message)).toEqual([
      'y (y.csv) needs X: give the design matrix X (n × d) as well',
      'your data (source=file) needs X (n × d, .npy or .csv)',
    ]);
    store.getState().attachFile('X', userFile('X.npy', [40, 6], 'a'));
    expect(issuesOf(store.getState())).toEqual([]);
    store.getState().setValue('study', 'phase');
    expect(issuesOf(store.getState()).map((i) => i.message)).toEqual([
      'X (X.npy) is not used: the phase diagram draws its own random problems for every cell; choose study fit or cv for your data',
      'y (y.csv) is not used: the phase diagram draws its own random problems for every cell; choose study fit or cv for your data',
    ]);
    store.getState().setValue('study', 'fit');
    store.getState().setValue('source', 'diabetes');
    expect(store.getState().values).toMatchObject({ source: 'diabetes', X: null, y: null });
    expect(store.getState().files).toEqual({});
    expect(shareHash(store.getState())).toBe('#/regression?ver=1&source=diabetes');
  });

  it('SAE: x selects data=file; toy again drops it', () => {
    const store = createLabStore('sae');
    store.getState().attachFile('x', userFile('acts.npy', [300, 5]));
    expect(store.getState().values.data).toBe('file');
    expect(derivedValues(specFor('sae')!, store.getState().values)).toEqual({ samples: 300, dims: 5 });
    store.getState().setValue('data', 'toy');
    expect(store.getState().values.x).toBeNull();
    expect(shareHash(store.getState())).toBe('#/sae?ver=1');
  });
});

it('every preset and tour step opens without a message (no value of theirs is adjusted)', () => {
  const hashes = [...PRESETS.map((p) => p.hash), ...TOURS.flatMap((t) => t.steps.map((s) => s.hash))];
  expect(hashes.length).toBeGreaterThan(5);
  for (const h of hashes) {
    const r = resolveLocation(h);
    expect('error' in r ? r.error : r.issues, h).toEqual([]);
  }
});
