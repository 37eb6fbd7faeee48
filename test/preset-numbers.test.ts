/**
 * Every preset's numbers, on the CPU backend, are exactly those recorded in test/fixtures/preset-fingerprints.json
 * (array bytes, metric values, views; times left out). A refactor must not change them; a difference names the
 * preset and what changed. Regenerate (scripts/preset-fingerprints.ts) only for an intended change of numbers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Fingerprint, PRESET_HASHES, presetFingerprint } from './preset-fingerprint';

const recorded = JSON.parse(readFileSync('test/fixtures/preset-fingerprints.json', 'utf8')) as Record<
  string,
  Fingerprint & { hash: string }
>;

describe('preset numbers are identical to the recorded ones (CPU backend)', () => {
  it('every preset has a recorded fingerprint, for its current link', () => {
    for (const p of PRESET_HASHES) {
      expect(recorded[p.id], `${p.id} has no recorded fingerprint`).toBeDefined();
      expect(recorded[p.id]?.hash, `${p.id}: its link changed since the fingerprints were recorded`).toBe(
        p.hash,
      );
    }
  });

  for (const p of PRESET_HASHES) {
    it(`${p.id}`, { timeout: 120_000 }, async () => {
      const want = recorded[p.id];
      if (!want) throw new Error(`${p.id}: no recorded fingerprint`);
      const got = await presetFingerprint(p.hash);
      expect(got.experiment).toBe(want.experiment);
      expect(got.arrays, `${p.id}: output arrays`).toEqual(want.arrays);
      expect(got.metrics, `${p.id}: metrics`).toEqual(want.metrics);
      expect(got.views, `${p.id}: views`).toBe(want.views);
    });
  }
});
