/** `npx sparselab run` prints, stage by stage, the backend that actually ran each part of the run. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = new URL('../bin/sparselab.mjs', import.meta.url).pathname;

describe('sparselab run: stages in the JSON summary', () => {
  it('OMP with --backend webgpu: the solve ran on the CPU, and the summary says why', async () => {
    const { stdout } = await run(
      'node',
      [BIN, 'run', '#/regression?solver=omp&n=40&d=20&s=3', '--backend', 'webgpu'],
      { timeout: 60_000 },
    );
    const summary = JSON.parse(stdout);
    expect(summary.backend).toBe('webgpu');
    expect(summary.stages).toContainEqual({
      name: 'solve',
      backend: 'cpu',
      algorithm: 'OMP',
      note: 'OMP has no GPU path',
    });
    expect(summary.stages.every((s: { backend: string }) => s.backend === 'cpu')).toBe(true);
  });
});
