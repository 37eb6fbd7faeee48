/**
 * `npm run bench [-- --size small|gpu] [--only matmul,attention,...] [--backend cpu] [--browser]`: every benchmark
 * in one process on one adapter, medians after warm-up, written as JSON and a markdown table under
 * bench/results/ and printed. Ratios are what to read on a software adapter; absolute times only mean
 * something on a real GPU, and the adapter is named in the output. `--browser` also runs the GPU suites
 * (matmul, attention, attention-linear) in headless Chromium's WebGPU (bench/browser.ts): same JSON and
 * table, rows marked "browser (Chromium WebGPU)" with that adapter, beside "node (Dawn)"; `--browser-only` runs
 * those alone.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { adapterName, type GpuContext } from '../workers/gpu/device';
import { nodeGpu, releaseNodeGpu } from '../workers/gpu/node';
import type { BenchOptions, BenchRow } from './common';
import { benchMatmul } from './matmul';

type Suite = (o: BenchOptions) => Promise<BenchRow[]>;

const SUITES: Record<string, () => Promise<Suite>> = {
  matmul: async () => benchMatmul,
  attention: async () => (await import('./attention')).benchAttention,
  'attention-linear': async () => (await import('./attention-linear')).benchAttentionLinear,
  'attention-goals': async () => (await import('./attention-goals')).benchAttentionGoals,
  regression: async () => (await import('./regression')).benchRegression,
  sae: async () => (await import('./sae')).benchSae,
  crossover: async () => (await import('./crossover')).benchCrossover,
  pruning: async () => (await import('./pruning')).benchPruning,
  'peers-cpu': async () => (await import('./peers-cpu')).benchPeersCpu,
  ui: async () => (await import('./ui')).benchUi,
};

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

export async function main(args: string[]): Promise<number> {
  const size = (flag(args, 'size') ?? 'small') as BenchOptions['size'];
  if (size !== 'small' && size !== 'gpu') {
    console.error('--size must be small or gpu');
    return 2;
  }
  const only = flag(args, 'only')?.split(',');
  const known = new Set(Object.keys(SUITES));
  const unknown = only?.filter((s) => !known.has(s)) ?? [];
  if (unknown.length) {
    console.error(`--only: unknown suite(s) ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
    return 2;
  }
  // --browser-only: the GPU suites in Chromium alone, no Node rows (to time them without a Node run before them).
  const browserOnly = args.includes('--browser-only');
  const browser = browserOnly || args.includes('--browser');
  let gpu: GpuContext | null = null;
  if (flag(args, 'backend') !== 'cpu') {
    try {
      gpu = await nodeGpu();
    } catch (e) {
      console.error(`no WebGPU adapter (${(e as Error).message}): CPU rows only`);
    }
  }
  const adapter = gpu ? adapterName(gpu.adapter) : 'none';
  console.log(`# SparseLab benchmarks (${size} sizes) on ${adapter}\n`);
  const loadStart = loadavg();
  const rows: Array<BenchRow & { suite: string }> = [];
  for (const [name, load] of Object.entries(SUITES)) {
    if (browserOnly || (only && !only.includes(name))) continue;
    const t0 = performance.now();
    try {
      const suite = await load();
      for (const r of await suite({ gpu, size })) rows.push({ suite: name, runtime: 'node (Dawn)', ...r });
      console.error(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      console.error(`${name} failed: ${(e as Error).stack ?? e}`);
      rows.push({
        suite: name,
        name: `${name} (failed)`,
        size: '',
        backend: '',
        medianMs: Number.NaN,
        note: String(e),
      });
    }
  }
  let browserRun: import('./browser').BrowserRun | null = null;
  if (browser) {
    const t0 = performance.now();
    try {
      const { benchBrowser } = await import('./browser');
      const gpuSuites = Object.keys((await import('./browser/suites')).BROWSER_SUITES);
      const wanted = only ? only.filter((s) => gpuSuites.includes(s)) : null;
      if (wanted && wanted.length === 0)
        throw new Error(`--browser runs ${gpuSuites.join(', ')}; --only names none`);
      browserRun = await benchBrowser(size, wanted);
      rows.push(...browserRun.rows);
      console.error(
        `browser: ${((performance.now() - t0) / 1000).toFixed(1)} s on ${browserRun.adapterName}`,
      );
    } catch (e) {
      console.error(`browser suites failed: ${(e as Error).stack ?? e}`);
      rows.push({
        suite: 'browser',
        runtime: 'browser (Chromium WebGPU)',
        name: 'browser suites (failed)',
        size: '',
        backend: '',
        medianMs: Number.NaN,
        note: String(e),
      });
    }
  }
  const load = { start: loadStart, end: loadavg(), cpus: availableParallelism() };
  const report = {
    date: new Date().toISOString(),
    /** 1-, 5- and 15-minute load averages of the machine when the run started and ended, and its CPU count. */
    load,
    size,
    adapter: gpu?.adapter ?? null,
    adapterName: adapter,
    timestamps: gpu?.hasTimestamps ?? false,
    node: process.version,
    browser: browserRun
      ? {
          adapter: browserRun.adapter,
          adapterName: browserRun.adapterName,
          timestamps: browserRun.timestamps,
          userAgent: browserRun.userAgent,
        }
      : null,
    rows,
  };
  const md = toMarkdown(
    browserRun ? `${adapter} (node (Dawn)); ${browserRun.adapterName} (browser (Chromium WebGPU))` : adapter,
    size,
    rows,
    load,
  );
  console.log(md);
  const dir = flag(args, 'out') ?? join('bench', 'results');
  await mkdir(dir, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  await writeFile(join(dir, `bench-${size}-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, `bench-${size}-${stamp}.md`), md);
  await writeFile(join(dir, `latest-${size}.md`), md);
  releaseNodeGpu(gpu ?? undefined);
  return 0;
}

const f = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

export function toMarkdown(
  adapter: string,
  size: string,
  rows: Array<BenchRow & { suite: string }>,
  load?: { start: number[]; end: number[]; cpus: number },
): string {
  const la = (l: number[]) => l.map((v) => v.toFixed(1)).join(' / ');
  const loadNote = load
    ? ` Machine load (1 / 5 / 15-min averages, ${load.cpus} CPUs): ${la(load.start)} at the start, ${la(load.end)} at the end.`
    : '';
  const lines = [
    `Adapter: ${adapter}; sizes: ${size}; medians after warm-up; ratio = peer time / our time (above 1: ours is faster); efficiency = (t_dense / t_sparse)·(1 − s), 1 = the ideal speed-up 1/(1 − s).${loadNote}`,
    '',
    '| suite | runtime | benchmark | size | ours (ms) | peer | peer (ms) | ratio | efficiency | note |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.suite} | ${r.runtime ?? 'node (Dawn)'}${r.adapter ? ` on ${r.adapter}` : ''} | ${r.name} | ${r.size} | ${f(r.medianMs)} | ${r.peer ?? '–'} | ${f(r.peerMedianMs)} | ${f(r.ratio)} | ${f(r.efficiency)} | ${r.note ?? ''} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
