import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { toFloat64 } from '../workers/core/ndarray';
import { readNpy } from '../workers/io/npy';
import { matmulRef } from '../workers/reference/matmul/matmul';

const run = promisify(execFile);
const BIN = new URL('../bin/sparselab.mjs', import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const npz = (path: string) =>
  Object.fromEntries(
    Object.entries(unzipSync(readFileSync(path))).map(([k, b]) => [k.replace(/\.npy$/, ''), readNpy(b)]),
  );

describe('sparselab export --python', () => {
  it('writes run.py with the seeded inputs and the lab’s outputs as .npz', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sparselab-export-cli-')), 'py');
    const r = await cli(['export', '#/matmul?m=13&n=7&k=5&seed=4', '--backend', 'cpu', '--python', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['README.txt', 'inputs.npz', 'outputs.npz', 'run.py']);
    const { a, b } = npz(join(dir, 'inputs.npz'));
    const { c } = npz(join(dir, 'outputs.npz'));
    expect(a.shape).toEqual([13, 5]);
    expect(b.shape).toEqual([5, 7]);
    const want = matmulRef(toFloat64(a), toFloat64(b), 13, 7, 5);
    const got = toFloat64(c);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    expect(readFileSync(join(dir, 'run.py'), 'utf8')).toMatch(/def load_data\(\):/);
  });

  it('refuses export without --python, and --python on run', async () => {
    const a = await cli(['export', '#/matmul?m=4']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/export needs --python DIR/);
    const b = await cli(['run', '#/matmul?m=4', '--python', 'x']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--python belongs to `sparselab export`/);
  });
});
