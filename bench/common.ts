/** Shared pieces of the benchmarks: the row format, medians after warm-up, and the tfjs-webgpu peer. */
import type { GpuContext } from '../workers/gpu/device';
import { median } from '../workers/gpu/timer';

export interface BenchRow {
  name: string;
  size: string;
  backend: string;
  medianMs: number;
  peer?: string;
  peerMedianMs?: number;
  /** peerMedianMs / medianMs: above 1 means ours is faster. */
  ratio?: number;
  note?: string;
  /** Sparse rows: (t_dense / t_sparse)·(1 − s), the share of the ideal speed-up 1/(1 − s) reached (1 = ideal). */
  efficiency?: number;
  /** Where it ran when not Node + Dawn (the --browser suites set "browser (Chromium WebGPU)"). */
  runtime?: string;
  /** The adapter that ran it, when it is not the run's main adapter. */
  adapter?: string;
}

export interface BenchOptions {
  gpu: GpuContext | null;
  size: 'small' | 'gpu';
}

/** Median wall time of `fn` over `reps` runs after `warmup` runs. */
export async function medianMs(fn: () => Promise<unknown> | unknown, reps = 5, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * Medians of two contenders measured alternately (A, B, A, B, …) so that load from other processes
 * on a shared machine falls on both alike; the ratio of these is what the benchmarks report.
 */
export async function pairedMedians(
  a: () => Promise<unknown> | unknown,
  b: () => Promise<unknown> | unknown,
  reps = 5,
  warmup = 2,
): Promise<{ a: number; b: number }> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
  }
  return { a: median(ta), b: median(tb) };
}

type Tf = typeof import('@tensorflow/tfjs-core');
let tfPromise: Promise<Tf | null> | null = null;

/**
 * TensorFlow.js with its WebGPU backend on the same adapter as ours (in Node: the same Dawn instance; in the
 * browser bench page: the page's navigator.gpu); null when it cannot start.
 */
export function tfjsWebgpu(): Promise<Tf | null> {
  tfPromise ??= (async () => {
    const g = globalThis as { navigator?: { gpu?: GPU } };
    if (!g.navigator?.gpu) {
      const gpu = (await import('../workers/gpu/node')).nodeGpuInstance();
      if (!gpu) return null;
      g.navigator ??= {};
      Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    }
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return null;
    await tf.ready();
    return tf;
  })().catch((e: unknown) => {
    console.error(`tfjs-webgpu unavailable: ${String(e)}`);
    return null;
  });
  return tfPromise;
}
