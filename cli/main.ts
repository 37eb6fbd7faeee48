/**
 * The `sparselab` command: runs the same experiment runners as the browser's worker, in Node, with
 * Dawn's WebGPU when an adapter is found and the CPU backend otherwise.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExperiment } from '../workers/experiments/runner';
import { type Backend, CancelledError, type RunContext, type RunResult } from '../workers/experiments/types';
import { adapterName, type GpuContext } from '../workers/gpu/device';
import { nodeGpu, releaseNodeGpu } from '../workers/gpu/node';
import { datasetLoader } from '../workers/io/datasets';
import { writeNpy } from '../workers/io/npy';
import { dataIssues, derivedValues, ignoredFields, selectFileSource } from '../workers/spec/data-rule';
import { describeField, type Field, type FileRef } from '../workers/spec/fields';
import { specFor, specs } from '../workers/spec/registry';
import { type Resolved, resolveLocation } from '../workers/spec/resolve';
import { decodeParams, toHash } from '../workers/spec/url';
import { loadDataArgs } from './data';

const HELP = `sparselab — run a SparseLab experiment headless

usage:
  sparselab run '<share URL | #/experiment?query | path/to/spec.json>' [options]
  sparselab export '<share URL | #/experiment?query | path/to/spec.json>' --python DIR [options]
  sparselab list

options:
  --backend webgpu|cpu   compute backend (default: webgpu when an adapter is found, else cpu)
  --data NAME=PATH       a data file (.npy, .csv, or a one-array .npz) for the spec's file field NAME
                         (e.g. q, k, v, X, y, x)
  --data PATH.npz        a NumPy archive (np.savez) whose arrays fill the fields of the same names
  --out DIR              write every output array as DIR/<name>.npy and DIR/result.json
  --python DIR           (export) run, then write DIR/run.py, inputs.npz, outputs.npz: a script that
                         recomputes the run with NumPy / scikit-learn / PyTorch and checks its agreement
  --max-memory GB        refuse runs estimated to need more memory (default 2; the spec's maxMemoryGB)
  --max-gflop N          refuse runs estimated to need more work (default 2,000 on the CPU, 200,000 on
                         WebGPU; the spec's maxGflop)
  --help                 this text

stdout gets a JSON summary (spec, backend, adapter, metrics, timings, parity); errors go to stderr, exit code 1.`;

interface Args {
  cmd: string;
  target?: string;
  backend?: Backend;
  data: Record<string, string>;
  /** `--data file.npz` without NAME=: the archive's arrays fill the slots of the same names. */
  archives: string[];
  out?: string;
  python?: string;
  /** --max-memory / --max-gflop: the spec's maxMemoryGB / maxGflop. */
  limits: Record<string, number>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { cmd: argv[0] ?? 'help', data: {}, archives: [], limits: {} };
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
      const v = value();
      const m = /^([A-Za-z_][\w]*)=(.+)$/.exec(v);
      if (m) {
        if (Object.hasOwn(args.data, m[1])) throw new Error(`--data ${m[1]} is given twice`);
        args.data[m[1]] = m[2];
      } else if (/\.npz$/i.test(v)) args.archives.push(v);
      else throw new Error('--data takes NAME=PATH (e.g. --data q=q.npy) or an archive PATH.npz');
    } else if (a === '--max-memory' || a === '--max-gflop') {
      const v = value();
      const x = Number(v);
      if (!(x > 0) || !Number.isFinite(x)) throw new Error(`${a} needs a positive number (got "${v}")`);
      args.limits[a === '--max-memory' ? 'maxMemoryGB' : 'maxGflop'] = x;
    } else if (a === '--out') args.out = value();
    else if (a === '--python') args.python = value();
    else if (a === '--help' || a === '-h') args.cmd = 'help';
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (args.target === undefined) args.target = a;
    else throw new Error(`unexpected argument "${a}"`);
  }
  return args;
}

/** A spec.json's parameter as the URL codec reads it, or a message naming the field. */
function specParam(name: string, v: unknown, f: Field | undefined): string | null {
  const key = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  if (v === null) {
    if (f && f.kind !== 'file') throw new Error(`"spec.${key}" is null; it must be ${describeField(f)}`);
    return null;
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  if (f?.kind === 'file' && typeof v === 'object' && !Array.isArray(v)) {
    const r = v as Record<string, unknown>;
    const shapeOk =
      Array.isArray(r.shape) && r.shape.length > 0 && r.shape.every((x) => Number.isInteger(x) && x >= 0);
    if (typeof r.name === 'string' && typeof r.sha256 === 'string' && shapeOk)
      return `${r.sha256}~${(r.shape as number[]).join('x')}~${r.name}`;
    throw new Error(`"spec.${key}" must be a file reference {"name", "shape": [sizes], "sha256"} or null`);
  }
  const what = Array.isArray(v) ? 'a list' : 'an object';
  throw new Error(
    `"spec.${key}" is ${what}; it must be ${f ? describeField(f) : 'a number, a string or true/false'}`,
  );
}

export async function readSpecArg(target: string): Promise<Resolved> {
  const looksLikeLink = /[#?=]/.test(target);
  if (!looksLikeLink && (/\.json$/i.test(target) || /[\\/]/.test(target) || existsSync(target))) {
    let text: string;
    try {
      text = await readFile(target, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`no such file: ${target}`);
      if (code === 'EISDIR') throw new Error(`${target} is a directory, not a spec.json`);
      throw new Error(`cannot read ${target}: ${code ?? 'unknown error'}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`${target}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new Error(`${target}: must be a JSON object {"experiment": "<id>", "spec": {...}}`);
    const j = json as { experiment?: unknown; spec?: unknown };
    const id = typeof j.experiment === 'string' ? j.experiment : '';
    const def = specFor(id);
    if (!def) {
      const got = typeof j.experiment === 'string' ? `"${j.experiment.slice(0, 40)}"` : typeof j.experiment;
      throw new Error(
        `${target}: "experiment" must name a known experiment (${Object.keys(specs).join(', ')}); got ${got}`,
      );
    }
    if (typeof j.spec !== 'object' || j.spec === null || Array.isArray(j.spec))
      throw new Error(`${target}: "spec" must be an object of parameters`);
    // Through the URL codec, so a JSON spec is checked exactly like a link.
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(j.spec as Record<string, unknown>)) {
      const f = Object.hasOwn(def.fields, k) ? def.fields[k] : undefined;
      let p: string | null;
      try {
        p = specParam(k, v, f);
      } catch (e) {
        throw new Error(`${target}: ${(e as Error).message}`);
      }
      if (p !== null) params.set(k, p);
    }
    const d = decodeParams(def, params);
    return {
      def,
      values: d.values as Record<string, unknown>,
      issues: d.issues,
      meta: d.meta,
      explicit: d.explicit,
    };
  }
  const r = resolveLocation(target);
  if ('error' in r) throw new Error(r.error);
  return r;
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function main(argv: string[]): Promise<number> {
  let gpu: GpuContext | null = null;
  let onInterrupt: (() => void) | null = null;
  try {
    const args = parseArgs(argv);
    if (args.cmd === 'help') {
      console.log(HELP);
      return 0;
    }
    if (args.cmd === 'list') {
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
    for (const i of spec.issues) if (i.note) console.error(`note: ${i.message}`);
    const bad = spec.issues.filter((i) => !i.note);
    if (bad.length)
      throw new Error(`bad spec: ${bad.map((i) => i.message.replace(/; using .*$/, '')).join('; ')}`);
    let values = { ...spec.values, ...args.limits };

    const { data, inputs } = await loadDataArgs(spec.def, args.data, args.archives, values);
    for (const [name, f] of Object.entries(spec.def.fields)) {
      const ref = values[name] as FileRef | null;
      if (f.kind === 'file' && ref && !data[name]) {
        throw new Error(
          `this spec uses the file ${name} = ${ref.name} (${ref.shape.join('×')}); pass it with --data ${name}=PATH`,
        );
      }
    }
    // The lab's data-source rule (the app applies the same): a file selects the file source unless the
    // link chose another source; a file the run would not use, or a missing one, is an error naming it.
    const given = new Set(Object.keys(data));
    values = selectFileSource(spec.def, values, given, new Set(spec.explicit));
    const problems = dataIssues(spec.def, values, given);
    if (problems.length) throw new Error(problems.map((i) => i.message).join('; '));
    // Values the files fix, and settings the chosen source does not use: said, never silently dropped.
    const derived = derivedValues(spec.def, values);
    const ignored = ignoredFields(spec.def, values);
    const rule = spec.def.data;
    const source = rule?.sourceField ? `${rule.sourceField}=${String(values[rule.sourceField])}` : '';
    const defaults = spec.def.defaults as Record<string, unknown>;
    for (const k of spec.explicit.filter((x) => values[x] !== defaults[x])) {
      if (k in derived) {
        if (values[k] !== derived[k])
          console.error(
            `note: ${k} = ${String(values[k])} from the link is not used: your files give ${k} = ${derived[k]}`,
          );
      } else if (ignored.includes(k))
        console.error(`note: ${k} = ${String(values[k])} from the link is not used with ${source}`);
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
    onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    const ctx: RunContext = {
      backend,
      gpu,
      data,
      inputs,
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
    if (onInterrupt) process.off('SIGINT', onInterrupt);
    if (gpu) releaseNodeGpu(gpu);
  }
}

function summarise(r: RunResult, url: string) {
  return {
    experiment: r.experiment,
    url,
    spec: r.spec,
    backend: r.backend,
    stages: r.stages,
    adapter: r.adapter ? { name: adapterName(r.adapter), ...r.adapter } : null,
    metrics: r.metrics,
    timings: r.timings,
    parity: r.parity,
    nonFinite: r.nonFinite,
    ...(r.inputs ? { inputs: r.inputs } : {}),
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
