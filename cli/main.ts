/**
 * The `sparselab` command: runs the same experiment runners as the browser's worker, in Node, with
 * Dawn's WebGPU when an adapter is found and the CPU backend otherwise.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NdArray } from '../workers/core/ndarray';
import { runExperiment } from '../workers/experiments/runner';
import { type Backend, CancelledError, type RunContext, type RunResult } from '../workers/experiments/types';
import { adapterName, type GpuContext } from '../workers/gpu/device';
import { nodeGpu, releaseNodeGpu } from '../workers/gpu/node';
import { datasetLoader } from '../workers/io/datasets';
import { writeNpy } from '../workers/io/npy';
import type { FileRef } from '../workers/spec/fields';
import { specFor } from '../workers/spec/registry';
import { type Resolved, resolveLocation } from '../workers/spec/resolve';
import { decodeParams, toHash } from '../workers/spec/url';
import { loadDataFile } from './data';

const HELP = `sparselab — run a SparseLab experiment headless

usage:
  sparselab run '<share URL | #/experiment?query | path/to/spec.json>' [options]
  sparselab export '<share URL | #/experiment?query | path/to/spec.json>' --python DIR [options]
  sparselab list

options:
  --backend webgpu|cpu   compute backend (default: webgpu when an adapter is found, else cpu)
  --data NAME=PATH       a data file (.npy or .csv) for the spec's file field NAME (e.g. q, k, v, X, y, x)
  --out DIR              write every output array as DIR/<name>.npy and DIR/result.json
  --python DIR           (export) run, then write DIR/run.py, inputs.npz, outputs.npz: a script that
                         recomputes the run with NumPy / scikit-learn / PyTorch and checks its agreement
  --help                 this text

stdout gets a JSON summary (spec, backend, adapter, metrics, timings, parity); errors go to stderr, exit code 1.`;

interface Args {
  cmd: string;
  target?: string;
  backend?: Backend;
  data: Record<string, string>;
  out?: string;
  python?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { cmd: argv[0] ?? 'help', data: {} };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--backend') {
      const b = value();
      if (b !== 'webgpu' && b !== 'cpu') throw new Error(`--backend must be webgpu or cpu (got "${b}")`);
      args.backend = b;
    } else if (a === '--data') {
      const m = /^([A-Za-z_][\w]*)=(.+)$/.exec(value());
      if (!m) throw new Error('--data takes NAME=PATH, e.g. --data q=q.npy');
      args.data[m[1]] = m[2];
    } else if (a === '--out') args.out = value();
    else if (a === '--python') args.python = value();
    else if (a === '--help' || a === '-h') args.cmd = 'help';
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (args.target === undefined) args.target = a;
    else throw new Error(`unexpected argument "${a}"`);
  }
  return args;
}

async function readSpecArg(target: string): Promise<Resolved> {
  if (/\.json$/i.test(target) && existsSync(target)) {
    let json: { experiment?: unknown; spec?: unknown };
    try {
      json = JSON.parse(await readFile(target, 'utf8'));
    } catch (e) {
      throw new Error(`${target}: not valid JSON (${(e as Error).message})`);
    }
    const id = typeof json.experiment === 'string' ? json.experiment : '';
    const def = specFor(id);
    if (!def)
      throw new Error(
        `${target}: "experiment" must name a known experiment (got ${JSON.stringify(json.experiment)})`,
      );
    if (typeof json.spec !== 'object' || json.spec === null)
      throw new Error(`${target}: "spec" must be an object of parameters`);
    // Through the URL codec, so a JSON spec is checked exactly like a link.
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(json.spec as Record<string, unknown>)) {
      if (v === null) continue;
      if (typeof v === 'object') {
        const r = v as FileRef;
        params.set(k, `${r.sha256}~${(r.shape ?? []).join('x')}~${r.name}`);
      } else params.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
    }
    const d = decodeParams(def, params);
    return { def, values: d.values as Record<string, unknown>, issues: d.issues, meta: d.meta };
  }
  const r = resolveLocation(target);
  if ('error' in r) throw new Error(r.error);
  return r;
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function main(argv: string[]): Promise<number> {
  let gpu: GpuContext | null = null;
  try {
    const args = parseArgs(argv);
    if (args.cmd === 'help') {
      console.log(HELP);
      return 0;
    }
    if (args.cmd === 'list') {
      const { specs } = await import('../workers/spec/registry');
      for (const d of Object.values(specs)) console.log(`${d.id}\t${d.title}`);
      return 0;
    }
    if (args.cmd !== 'run' && args.cmd !== 'export')
      throw new Error(`unknown command "${args.cmd}" (try: sparselab run '#/matmul?m=64')`);
    if (!args.target) throw new Error(`${args.cmd} needs a share URL, a query or a spec.json`);
    if (args.cmd === 'export' && !args.python) throw new Error('export needs --python DIR');
    if (args.cmd === 'run' && args.python)
      throw new Error('--python belongs to `sparselab export` (run writes arrays with --out)');

    const spec = await readSpecArg(args.target);
    if (spec.issues.length)
      throw new Error(
        `bad spec: ${spec.issues.map((i) => i.message.replace(/; using the default.*$/, '')).join('; ')}`,
      );
    const values = { ...spec.values };

    const data: Record<string, NdArray> = {};
    for (const [name, path] of Object.entries(args.data)) {
      const f = Object.hasOwn(spec.def.fields, name) ? spec.def.fields[name] : undefined;
      if (f?.kind !== 'file') {
        const names = Object.entries(spec.def.fields)
          .filter(([, x]) => x.kind === 'file')
          .map(([k]) => k);
        throw new Error(
          `--data ${name}: ${spec.def.id} takes no data named "${name}"${names.length ? ` (it takes: ${names.join(', ')})` : ''}`,
        );
      }
      const { array, ref } = await loadDataFile(path);
      const wanted = values[name] as FileRef | null;
      if (wanted && wanted.sha256 !== ref.sha256) {
        throw new Error(
          `--data ${name}: ${ref.name} is not the file the link was made with (${wanted.name}, SHA-256 ${wanted.sha256.slice(0, 12)}…)`,
        );
      }
      data[name] = array;
      values[name] = ref;
    }
    for (const [name, f] of Object.entries(spec.def.fields)) {
      const ref = values[name] as FileRef | null;
      if (f.kind === 'file' && ref && !data[name]) {
        throw new Error(
          `this spec uses the file ${name} = ${ref.name} (${ref.shape.join('×')}); pass it with --data ${name}=PATH`,
        );
      }
    }

    let backend: Backend = args.backend ?? 'webgpu';
    if (backend === 'webgpu') {
      try {
        gpu = await nodeGpu();
      } catch (e) {
        if (args.backend === 'webgpu') throw new Error(`--backend webgpu: ${(e as Error).message}`);
        console.error(`note: no WebGPU adapter (${(e as Error).message}); using the CPU backend`);
        backend = 'cpu';
      }
    }

    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const ctx: RunContext = {
      backend,
      gpu,
      data,
      dataset: datasetLoader((file) => readFile(join(PACKAGE_ROOT, 'public', 'datasets', file), 'utf8')),
      signal: controller.signal,
      progress: () => {},
    };
    const result = await runExperiment(spec.def.id, values, ctx);
    const summary = summarise(result, toHash(spec.def, result.spec as never));
    if (args.out) await writeOutputs(args.out, result, summary);
    if (args.python) {
      const { exportPython } = await import('../workers/export/registry');
      const folder = await exportPython({
        result,
        values: result.spec,
        data,
        dataset: ctx.dataset,
        url: summary.url,
      });
      await mkdir(args.python, { recursive: true });
      for (const [name, body] of Object.entries(folder.files)) await writeFile(join(args.python, name), body);
      console.error(`wrote ${Object.keys(folder.files).join(', ')} to ${args.python}; run: python3 run.py`);
    }
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  } catch (e) {
    const msg = e instanceof CancelledError ? 'cancelled' : e instanceof Error ? e.message : String(e);
    console.error(`sparselab: ${msg.split('\n')[0]}`);
    return 1;
  } finally {
    if (gpu) releaseNodeGpu(gpu);
  }
}

function summarise(r: RunResult, url: string) {
  return {
    experiment: r.experiment,
    url,
    spec: r.spec,
    backend: r.backend,
    adapter: r.adapter ? { name: adapterName(r.adapter), ...r.adapter } : null,
    metrics: r.metrics,
    timings: r.timings,
    parity: r.parity,
    nonFinite: r.nonFinite,
    arrays: Object.fromEntries(
      Object.entries(r.arrays).map(([k, a]) => [k, { dtype: a.dtype, shape: a.shape }]),
    ),
    wallMs: r.wallMs,
    finishedAt: r.finishedAt,
  };
}

async function writeOutputs(dir: string, r: RunResult, summary: ReturnType<typeof summarise>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, arr] of Object.entries(r.arrays)) {
    if (!/^[\w.-]+$/.test(name)) continue;
    await writeFile(join(dir, `${name}.npy`), writeNpy(arr));
  }
  await writeFile(
    join(dir, 'result.json'),
    `${JSON.stringify({ ...summary, views: r.views ?? {} }, null, 2)}\n`,
  );
}
