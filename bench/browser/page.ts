/**
 * The browser side of `npm run bench -- --browser`: the GPU suites on the page's own WebGPU adapter
 * (navigator.gpu), driven by bench/browser.ts through window.sparselabBench.
 */
import { acquireGpu, adapterName } from '../../workers/gpu/device';
import type { BenchOptions, BenchRow } from '../common';
import { BROWSER_SUITES } from './suites';

export interface BrowserBenchResult {
  adapter: ReturnType<typeof adapterName>;
  adapterInfo: unknown;
  timestamps: boolean;
  userAgent: string;
  rows: Array<BenchRow & { suite: string }>;
}

async function run(size: BenchOptions['size'], only: string[] | null): Promise<BrowserBenchResult> {
  const gpu = await acquireGpu(navigator.gpu);
  const rows: Array<BenchRow & { suite: string }> = [];
  for (const [name, load] of Object.entries(BROWSER_SUITES)) {
    if (only && !only.includes(name)) continue;
    const t0 = performance.now();
    try {
      const suite = await load();
      for (const r of await suite({ gpu, size })) rows.push({ suite: name, ...r });
      console.log(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
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
  const result = {
    adapter: adapterName(gpu.adapter),
    adapterInfo: gpu.adapter,
    timestamps: gpu.hasTimestamps,
    userAgent: navigator.userAgent,
    rows,
  };
  gpu.device.destroy();
  return result;
}

(globalThis as { sparselabBench?: typeof run }).sparselabBench = run;
