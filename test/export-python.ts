/**
 * Helpers for the tests that run exported run.py scripts: run a share URL through the real runner, export
 * it to a folder, and run many folders in one Python process (importing torch once: it takes seconds).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NdArray } from '../workers/core/ndarray';
import { runExperiment } from '../workers/experiments/runner';
import type { RunContext, RunResult } from '../workers/experiments/types';
import { exportPython } from '../workers/export/registry';
import type { GpuContext } from '../workers/gpu/device';
import { datasetLoader } from '../workers/io/datasets';
import { resolveLocation } from '../workers/spec/resolve';
import { toHash } from '../workers/spec/url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const dataset = datasetLoader(async (file) =>
  readFileSync(join(ROOT, 'public', 'datasets', file), 'utf8'),
);

/** Runs `hash` on the given backend and writes its Python export under `dir`. */
export async function exportCase(
  hash: string,
  dir: string,
  gpu: GpuContext | null = null,
  data: Record<string, NdArray> = {},
): Promise<RunResult> {
  const r = resolveLocation(hash);
  if ('error' in r) throw new Error(r.error);
  if (r.issues.length) throw new Error(`${hash}: ${r.issues.map((i) => i.message).join('; ')}`);
  const ctx: RunContext = {
    backend: gpu ? 'webgpu' : 'cpu',
    gpu,
    data,
    dataset,
    signal: new AbortController().signal,
    progress: () => {},
  };
  const result = await runExperiment(r.def.id, r.values, ctx);
  const folder = await exportPython({
    result,
    values: result.spec,
    data,
    dataset,
    url: toHash(r.def, result.spec as never),
  });
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(folder.files)) writeFileSync(join(dir, name), body);
  return result;
}

const DRIVER = `
import contextlib, io, json, os, runpy, sys
out = {}
for d in sys.argv[1:]:
    buf = io.StringIO()
    code = 0
    os.chdir(d)
    try:
        with contextlib.redirect_stdout(buf):
            runpy.run_path(os.path.join(d, "run.py"), run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as e:
        code = 2
        buf.write(f"{type(e).__name__}: {e}\\n")
    out[d] = {"code": code, "stdout": buf.getvalue()}
print(json.dumps(out))
`;

export interface ScriptRun {
  code: number;
  stdout: string;
}

/** Runs every folder's run.py in one Python process; exit code and printed report per folder. */
export function runScripts(python: string, dirs: string[]): Record<string, ScriptRun> {
  const r = spawnSync(python, ['-c', DRIVER, ...dirs], { encoding: 'utf8', timeout: 170_000 });
  if (r.status !== 0) throw new Error(`the Python driver failed: ${r.stderr || r.error}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
