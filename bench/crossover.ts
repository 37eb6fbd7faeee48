/**
 * Where linear attention overtakes dense attention on this adapter: our causal dense flash kernel and causal
 * linear attention (elu+1, chunk 64, d = 64), one head, timed alternately at N = 64 … 2048 (GPU time when
 * the adapter has timestamps, wall clock otherwise; medians after warm-up). The crossover N is
 * log-interpolated where the time ratio crosses 1; the scale view's FLOP model is checked against it
 * (workers/scale/cost.test.ts reads the copy in test/fixtures/scale/).
 */
import { randomMatrix } from '../workers/data/matrices';
import type { GpuContext } from '../workers/gpu/device';
import { median, timeGpu } from '../workers/gpu/timer';
import { prepareDense } from '../workers/kernels/attention/dense';
import { destroyQkv, uploadQkv } from '../workers/kernels/attention/flash-common';
import { prepareLinearAttention } from '../workers/kernels/attention/linear';
import type { BenchOptions, BenchRow } from './common';

const D = 64;
const CHUNK = 64;

type Rec = Parameters<typeof timeGpu>[1];

async function paired(gpu: GpuContext, a: Rec, b: Rec, reps: number, warmup: number) {
  for (let i = 0; i < warmup; i++) {
    await timeGpu(gpu, a);
    await timeGpu(gpu, b);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    ta.push((await timeGpu(gpu, a)).ms);
    tb.push((await timeGpu(gpu, b)).ms);
  }
  return { a: median(ta), b: median(tb) };
}

/** N where t_linear/t_dense crosses 1, log-interpolated between the measured sizes; null if it never does. */
export function crossoverN(sizes: number[], denseMs: number[], linearMs: number[]): number | null {
  const r = sizes.map((_, i) => Math.log(linearMs[i] / denseMs[i]));
  if (r[0] <= 0) return sizes[0];
  for (let i = 1; i < sizes.length; i++) {
    if (r[i] <= 0) {
      const t = r[i - 1] / (r[i - 1] - r[i]);
      return sizes[i - 1] * (sizes[i] / sizes[i - 1]) ** t;
    }
  }
  return null;
}

export async function benchCrossover({ gpu, size }: BenchOptions): Promise<BenchRow[]> {
  if (!gpu)
    return [
      {
        name: 'linear vs dense attention crossover (not run)',
        size: '',
        backend: 'cpu',
        medianMs: Number.NaN,
        note: 'needs a WebGPU adapter: the crossover is a property of the kernels on one',
      },
    ];
  const sizes = size === 'gpu' ? [256, 512, 1024, 2048, 4096, 8192] : [64, 128, 256, 512, 1024];
  const reps = size === 'gpu' ? 7 : 5;
  const timing = gpu.hasTimestamps ? 'timestamp-query' : 'wall clock';
  const denseMs: number[] = [];
  const linearMs: number[] = [];
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const q = randomMatrix(n, D, 5, 0, 'normal');
    const k = randomMatrix(n, D, 5, 1, 'normal');
    const v = randomMatrix(n, D, 5, 2, 'normal');
    const b = uploadQkv(gpu, q, k, v, { heads: 1, n, d: D, causal: true });
    const dense = prepareDense(gpu, b);
    const { plan } = prepareLinearAttention(gpu, q, k, v, {
      n,
      d: D,
      causal: true,
      featureMap: 'elu1',
      favorFeatures: 0,
      chunk: CHUNK,
      seed: 1,
    });
    try {
      const t = await paired(
        gpu,
        (enc, ts) => plan.encode(enc, ts),
        (enc, ts) => dense.encode(enc, ts),
        reps,
        2,
      );
      linearMs.push(t.a);
      denseMs.push(t.b);
      rows.push({
        name: 'linear vs dense attention (causal, elu+1, chunk 64): crossover',
        size: `N=${n} d=${D}`,
        backend: 'webgpu',
        medianMs: t.a,
        peer: 'dense flash attention (causal, ours)',
        peerMedianMs: t.b,
        ratio: t.b / t.a,
        note: timing,
      });
    } finally {
      plan.destroy();
      dense.destroy();
      destroyQkv(b);
    }
  }
  const n = crossoverN(sizes, denseMs, linearMs);
  rows.push({
    name: 'linear overtakes dense at N ≈',
    size: `d=${D}`,
    backend: 'webgpu',
    medianMs: Number.NaN,
    note: `crossover N = ${n === null ? 'beyond the sizes measured' : n.toFixed(0)} (sizes ${sizes.join(', ')}; dense ms ${denseMs.map((x) => x.toFixed(2)).join(', ')}; linear ms ${linearMs.map((x) => x.toFixed(2)).join(', ')})`,
  });
  return rows;
}
