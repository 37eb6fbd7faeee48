import { describe, expect, it } from 'vitest';
import { attentionSpec } from '../../workers/spec/attention';
import { decodeParams, parseLocation } from '../../workers/spec/url';
import { PRESETS } from './presets';
import { TOURS } from './tours';

describe('attention presets and tour steps', () => {
  const hashes = [
    ...PRESETS.filter((p) => p.lab === 'attention').map((p) => p.hash),
    ...TOURS.filter((t) => t.lab === 'attention').flatMap((t) => t.steps.map((s) => s.hash)),
  ];
  it('every link decodes without a single issue (no parameter silently dropped)', () => {
    expect(hashes.length).toBeGreaterThan(8);
    for (const h of hashes) {
      const d = decodeParams(attentionSpec, parseLocation(h).params);
      expect({ h, issues: d.issues }).toEqual({ h, issues: [] });
    }
  });
});
