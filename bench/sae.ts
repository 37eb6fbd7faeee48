/**
 * SAE training throughput: one TopK training step (forward, AuxK, gradients, Adam, renormalisation) on WebGPU
 * against our CPU backend, and the TopK decoder done sparsely (gather of k atoms, sparse-transposed gradient)
 * against the dense decoder matmul, as a whole step and as the decoder forward alone.
 * 'gpu' size: d = 256, m = 4096, k = 32, batch 1024; 'small' keeps SwiftShader runs to about a minute.
 */
import { gpuUnits } from '../workers/experiments/sae/registry';
import { type Op, PassList } from '../workers/gpu/pass';
import { Rng } from '../workers/io/rng';
import { gemmOp } from '../workers/kernels/sae/gemm';
import { type DecoderKind, GpuSae } from '../workers/kernels/sae/train';
import { decodeSparseOp, densifyOp } from '../workers/kernels/sae/util/ops';
import { defaultConfig, initParams, type SaeConfig } from '../workers/reference/sae/model';
import { CpuSae } from '../workers/reference/sae/train';
import { type BenchOptions, type BenchRow, medianMs, pairedMedians } from './common';

const SIZES = {
  small: { d: 64, m: 1024, k: 16, batch: 256 },
  gpu: { d: 256, m: 4096, k: 32, batch: 1024 },
};

function data(n: number, d: number): Float32Array {
  const rng = new Rng(5, 0);
  return Float32Array.from({ length: n * d }, () => rng.normal());
}

export async function benchSae({ gpu, size }: BenchOptions): Promise<BenchRow[]> {
  const s = SIZES[size];
  const label = `d=${s.d} m=${s.m} k=${s.k} B=${s.batch}`;
  const n = 4 * s.batch;
  const x = data(n, s.d);
  const c: SaeConfig = defaultConfig({
    model: 'topk',
    d: s.d,
    m: s.m,
    k: s.k,
    auxK: 4 * s.k,
    deadSamples: s.batch,
    steps: 1000,
  });
  const p = initParams(c, 1);
  const rows = (step: number) => Uint32Array.from({ length: s.batch }, (_, b) => (step * s.batch + b) % n);

  // CPU backend: fewer repetitions at the GPU size, where a step takes seconds.
  const cpu = new CpuSae(c, initParams(c, 1));
  const X = new Float64Array(s.batch * s.d);
  let cpuStep = 0;
  const cpuMs = await medianMs(
    () => {
      const r = rows(cpuStep++);
      for (let b = 0; b < s.batch; b++) for (let j = 0; j < s.d; j++) X[b * s.d + j] = x[r[b] * s.d + j];
      cpu.trainStep(X, s.batch);
    },
    size === 'gpu' ? 3 : 5,
    1,
  );
  const sps = (ms: number) => `${Math.round((s.batch / ms) * 1000).toLocaleString('en')} samples/s`;
  if (!gpu) {
    return [
      {
        name: 'SAE TopK training step',
        size: label,
        backend: 'cpu',
        medianMs: cpuMs,
        note: `${sps(cpuMs)}; no WebGPU adapter`,
      },
    ];
  }
  const soft = gpu.adapter.isSoftware ? 'software adapter; ' : '';

  const make = (decoder: DecoderKind) =>
    GpuSae.create(gpu, {
      cfg: c,
      params: p,
      data: x,
      n,
      batch: s.batch,
      decoder,
      units: gpuUnits(c),
    });
  const sparse = await make('sparse');
  const dense = await make('dense');
  const stepOf = (t: GpuSae) => async () => {
    t.trainStep(rows(t.step));
    await gpu.device.queue.onSubmittedWorkDone();
  };
  const pair = await pairedMedians(stepOf(sparse), stepOf(dense), 5, 2);
  sparse.destroy();
  dense.destroy();

  const decode = await decoderForward(gpu, s);
  return [
    {
      name: 'SAE TopK training step (WebGPU vs our CPU backend)',
      size: label,
      backend: 'webgpu',
      medianMs: pair.a,
      peer: 'cpu',
      peerMedianMs: cpuMs,
      ratio: cpuMs / pair.a,
      note: `${soft}${sps(pair.a)} vs ${sps(cpuMs)}`,
    },
    {
      name: 'SAE TopK training step: sparse decoder vs dense matmul',
      size: label,
      backend: 'webgpu',
      medianMs: pair.a,
      peer: 'dense decoder',
      peerMedianMs: pair.b,
      ratio: pair.b / pair.a,
      note: `${soft}${sps(pair.a)} vs ${sps(pair.b)}; gradient by sparse-transposed products vs GEMMs`,
    },
    {
      name: 'SAE decoder forward: gather of k atoms vs dense matmul',
      size: label,
      backend: 'webgpu',
      medianMs: decode.sparse,
      peer: 'dense (scatter + GEMM)',
      peerMedianMs: decode.dense,
      ratio: decode.dense / decode.sparse,
      note: `${soft}x̂ = z·W_dec for B×k codes`,
    },
  ];
}

/** The decoder alone: x̂ from B×k (index, value) codes, as a gather or as scatter-to-dense plus GEMM. */
async function decoderForward(
  gpu: NonNullable<BenchOptions['gpu']>,
  s: { d: number; m: number; k: number; batch: number },
) {
  const rng = new Rng(6, 0);
  const bs = new PassList(gpu, 'sae-bench');
  const idx = Uint32Array.from({ length: s.batch * s.k }, () => rng.int(s.m));
  const ent = Float32Array.from({ length: 2 * s.batch * s.k }, (_, i) =>
    i < s.batch * s.k ? rng.uniform() : 0,
  );
  const bIdx = bs.data('idx', idx);
  const bEnt = bs.data('ent', ent);
  const W = bs.data('W', data(s.m, s.d));
  const out = bs.empty('out', s.batch * s.d * 4);
  const z = bs.empty('z', s.batch * s.m * 4);
  const dummy = bs.empty('dummy', 16);
  const shape = { B: s.batch, E: s.k, kMain: s.k };
  const sparseOps = [decodeSparseOp(bs, bIdx, bEnt, W, out, { ...shape, w: s.d, rows: s.batch })];
  const denseOps = [
    { kind: 'clear' as const, buffer: z },
    densifyOp(bs, bIdx, bEnt, z, { ...shape, M: s.m }),
    gemmOp(bs, z, W, out, { M: s.batch, N: s.d, K: s.m }, null, dummy),
  ];
  const run = (ops: Op[]) => async () => {
    bs.run(ops);
    await gpu.device.queue.onSubmittedWorkDone();
  };
  const r = await pairedMedians(run(sparseOps), run(denseOps), 7, 2);
  bs.destroy();
  return { sparse: r.a, dense: r.b };
}
