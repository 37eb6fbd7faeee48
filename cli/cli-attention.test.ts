import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = new URL('../bin/sparselab.mjs', import.meta.url).pathname;

describe('sparselab run: the attention error-budget tuner', () => {
  it('writes the tuner’s table (method → cheapest setting, FLOP fraction, time, link) to result.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sparselab-tune-'));
    const { stdout } = await run(
      'node',
      [
        BIN,
        'run',
        '#/attention?data=a_shape&n=128&d=16&sweep=0&tune=cosine:0.99',
        '--backend',
        'cpu',
        '--out',
        out,
      ],
      { timeout: 120_000 },
    );
    expect(JSON.parse(stdout).spec.tune).toBe('cosine:0.99');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.url).toContain('tune=cosine:0.99');
    const table = result.views.tables.find((t: { id: string }) => t.id === 'tuner');
    expect(table.columns).toContain('fraction of dense FLOPs');
    expect(table.rows.length).toBeGreaterThanOrEqual(6);
    expect(table.rows.length).toBe(table.links.length);
    const met = table.rows.filter((r: unknown[]) => r[1] !== 'cannot meet the target');
    expect(met.length).toBe(result.metrics.tuneMethodsMeeting);
    for (const [i, r] of table.rows.entries())
      if (r[1] !== 'cannot meet the target') expect(table.links[i]).toMatch(/^#\/attention\?ver=1&/);
  }, 150_000);
});
