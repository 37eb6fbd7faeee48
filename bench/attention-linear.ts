/**
 * Linear-family attention benchmarks, GPU kernel time only (timestamp-query when available), medians after warm-up:
 * - linear attention (elu+1, causal, chunk 64) at growing N: time should grow ~linearly (exponent ≈ 1),
 *   next to our dense flash kernel, whose time grows ~quadratically (exponent ≈ 2);
 * - log-linear attention at the same N (O(N log N));
 * - SLA at several kh/kl against our dense kernel at one N: speed-up next to the ideal 1/(1 − block sparsity).
 * Without a GPU: the CPU references at the small sizes.
 */
import { randomMatrix } from '../workers/data/matrices';
import type { GpuContext } from '../workers/gpu/device';
import type { PassList } from '../workers/gpu/pass';
import { median, timeGpu } from '../workers/gpu/timer';
import { prepareDense } from '../workers/kernels/attention/dense';
import { destroyQkv, uploadQkv } from '../workers/kernels/attention/flash-common';
import { prepareLinearAttention } from '../workers/kernels/attention/linear';
import { prepareLogLinearAttention } from '../workers/kernels/attention/loglinear';
import { prepareSla } from '../workers/kernels/attention/sla';
import { linearAttentionRef } from '../workers/reference/attention/linear';
import { type SlaOpts, slaClassify } from '../workers/reference/attention/sla';
import { type BenchOptions, type BenchRow, medianMs } from './common';

const D = 64;

function qkv(n: number, seed: number) {
  return {
    q: randomMatrix(n, D, seed, 0, 'normal'),
    k: randomMatrix(n, D, seed, 1, 'normal'),
    v: randomMatrix(n, D, seed, 2, 'normal'),
  };
}

type Ts = {
  begin: GPUComputePassTimestampWrites;
  end: GPUComputePassTimestampWrites;
  single: GPUComputePassTimestampWrites;
};

async function timeKernel(
  gpu: GpuContext,
  record: (enc: GPUCommandEncoder, ts?: Ts) => void,
  reps: number,
  warmup: number,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await timeGpu(gpu, record);
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) ms.push((await timeGpu(gpu, record)).ms);
  return median(ms);
}

/** Medians of two kernels timed alternately (A, B, A, B, …), so load from other processes falls on both alike. */
async function pairedKernels(
  gpu: GpuContext,
  a: (enc: GPUCommandEncoder, ts?: Ts) => void,
  b: (enc: GPUCommandEncoder, ts?: Ts) => void,
  reps: number,
  warmup: number,
): Promise<{ a: number; b: number }> {
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

async function timePlan(gpu: GpuContext, plan: PassList, reps: number, warmup: number): Promise<number> {
  try {
    return await timeKernel(gpu, (enc, ts) => plan.encode(enc, ts), reps, warmup);
  } finally {
    plan.destroy();
  }
}

/** Our dense flash kernel on seeded data, ready to encode (the other attention helper's kernel). */
function denseKernel(gpu: GpuContext, n: number, causal: boolean) {
  const { q, k, v } = qkv(n, 1);
  const b = uploadQkv(gpu, q, k, v, { heads: 1, n, d: D, causal });
  const kern = prepareDense(gpu, b);
  return {
    record: (enc: GPUCommandEncoder, ts?: Ts) => kern.encode(enc, ts),
    destroy: () => {
      kern.destroy();
      destroyQkv(b);
    },
  };
}

async function timeDense(
  gpu: GpuContext,
  n: number,
  causal: boolean,
  reps: number,
  warmup: number,
): Promise<number> {
  const dense = denseKernel(gpu, n, causal);
  try {
    return await timeKernel(gpu, dense.record, reps, warmup);
  } finally {
    dense.destroy();
  }
}

const exponent = (t1: number, t0: number, n1: number, n0: number) => Math.log(t1 / t0) / Math.log(n1 / n0);

function growthNote(times: number[], sizes: number[], i: number): string {
  return i === 0
    ? 'first size'
    : `growth exponent ${exponent(times[i], times[i - 1], sizes[i], sizes[i - 1]).toFixed(2)} vs N=${sizes[i - 1]}`;
}

export async function benchAttentionLinear({ gpu, size }: BenchOptions): Promise<BenchRow[]> {
  const big = size === 'gpu';
  const reps = big ? 7 : 3;
  const warmup = big ? 2 : 1;
  const linSizes = [1024, 4096, 16384];
  const logSizes = big ? linSizes : [1024, 4096];
  const denseSizes = big ? [1024, 4096, 16384] : [512, 1024, 2048];
  const rows: BenchRow[] = [];
  const timing = gpu ? (gpu.hasTimestamps ? 'timestamp-query' : 'wall clock') : 'wall clock';

  if (!gpu) {
    const sizes = [1024, 4096];
    const times: number[] = [];
    for (const [i, n] of sizes.entries()) {
      const { q, k, v } = qkv(n, 1);
      times.push(
        await medianMs(
          () =>
            linearAttentionRef(q, k, v, {
              n,
              d: D,
              causal: true,
              featureMap: 'elu1',
              favorFeatures: 0,
              chunk: 64,
              seed: 1,
            }),
          3,
          1,
        ),
      );
      rows.push({
        name: 'linear attention (elu+1, causal, chunk 64), CPU reference',
        size: `N=${n} d=${D}`,
        backend: 'cpu',
        medianMs: times[i],
        note: growthNote(times, sizes, i),
      });
    }
    return rows;
  }

  const denseMs = new Map<number, number>();
  const denseTimes: number[] = [];
  for (const [i, n] of denseSizes.entries()) {
    denseTimes.push(await timeDense(gpu, n, true, reps, warmup));
    denseMs.set(n, denseTimes[i]);
    rows.push({
      name: 'dense flash attention (causal), growth',
      size: `N=${n} d=${D}`,
      backend: 'webgpu',
      medianMs: denseTimes[i],
      note: `${growthNote(denseTimes, denseSizes, i)} (quadratic ≈ 2); ${timing}`,
    });
  }

  const linTimes: number[] = [];
  for (const [i, n] of linSizes.entries()) {
    const { q, k, v } = qkv(n, 2);
    const { plan } = prepareLinearAttention(gpu, q, k, v, {
      n,
      d: D,
      causal: true,
      featureMap: 'elu1',
      favorFeatures: 0,
      chunk: 64,
      seed: 1,
    });
    linTimes.push(await timePlan(gpu, plan, reps, warmup));
    const peer = denseMs.get(n);
    rows.push({
      name: 'linear attention (elu+1, causal, chunk 64)',
      size: `N=${n} d=${D}`,
      backend: 'webgpu',
      medianMs: linTimes[i],
      peer: peer !== undefined ? 'dense flash attention (causal, ours)' : undefined,
      peerMedianMs: peer,
      ratio: peer !== undefined ? peer / linTimes[i] : undefined,
      note: `${growthNote(linTimes, linSizes, i)} (linear ≈ 1); ${timing}`,
    });
  }

  const logTimes: number[] = [];
  for (const [i, n] of logSizes.entries()) {
    const { q, k, v } = qkv(n, 3);
    const { plan } = prepareLogLinearAttention(gpu, q, k, v, {
      n,
      d: D,
      causal: true,
      featureMap: 'elu1',
      favorFeatures: 0,
      seed: 1,
    });
    logTimes.push(await timePlan(gpu, plan, reps, warmup));
    rows.push({
      name: 'log-linear attention (elu+1, β=½, chunk 64)',
      size: `N=${n} d=${D}`,
      backend: 'webgpu',
      medianMs: logTimes[i],
      peer: 'linear attention (same N)',
      peerMedianMs: linTimes[i],
      ratio: linTimes[i] / logTimes[i],
      note: `${growthNote(logTimes, logSizes, i)} (N log N); ${timing}`,
    });
  }

  // SLA against our dense kernel (both causal), timed alternately at one N.
  const n = big ? 4096 : 2048;
  const block = 64;
  const { q, k, v } = qkv(n, 4);
  const dense = denseKernel(gpu, n, true);
  try {
    for (const [kh, kl] of [
      [10, 90],
      [5, 95],
      [5, 50],
    ]) {
      const o: SlaOpts = {
        n,
        d: D,
        causal: true,
        block,
        kh,
        kl,
        featureMap: 'elu1',
        favorFeatures: 0,
        seed: 1,
      };
      const { classes } = slaClassify(q, k, o);
      const visible = classes.filter((c) => c >= 0).length;
      const critical = classes.filter((c) => c === 2).length;
      const { plan } = prepareSla(gpu, q, k, v, o);
      let t: { a: number; b: number };
      try {
        t = await pairedKernels(gpu, (enc, ts) => plan.encode(enc, ts), dense.record, reps, warmup);
      } finally {
        plan.destroy();
      }
      rows.push({
        name: `SLA kh=${kh}% kl=${kl}% (block ${block}, elu+1, causal)`,
        size: `N=${n} d=${D}`,
        backend: 'webgpu',
        medianMs: t.a,
        peer: 'dense flash attention (causal, ours)',
        peerMedianMs: t.b,
        ratio: t.b / t.a,
        efficiency: (t.b / t.a) * (critical / visible),
        note: `efficiency (t_dense/t_SLA)(1−s) = ${((t.b / t.a) * (critical / visible)).toFixed(2)}; exact part skips ${(100 * (1 - critical / visible)).toFixed(1)}% of visible blocks: ideal speed-up ${(visible / critical).toFixed(1)}×${kh + kl < 100 ? '; includes the linear part over marginal blocks' : ' (no marginal block: block-sparse only)'}; ${timing}`,
      });
    }
  } finally {
    dense.destroy();
  }
  return rows;
}
