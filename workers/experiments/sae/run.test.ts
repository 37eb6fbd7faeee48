import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { nd } from '../../core/ndarray';
import { BatchSampler } from '../../data/sae-sources';
import { datasetLoader } from '../../io/datasets';
import { initParams } from '../../reference/sae/model';
import { type SaeValues, saeSpec } from '../../spec/sae';
import { runExperiment } from '../runner';
import { CancelledError, type Progress, type RunContext, type RunResult } from '../types';
import { GpuTrainer } from './backends';
import { decoderKind, saeConfig } from './config';
import { loadSaeData } from './data';
import { type StepCheck, stepProbe } from './run';

const loadDataset = datasetLoader((file) =>
  readFile(new URL(`../../../public/datasets/${file}`, import.meta.url), 'utf8'),
);

function context(
  gpu: RunContext['gpu'],
  data: RunContext['data'] = {},
  signal = new AbortController().signal,
) {
  const progress: Progress[] = [];
  const ctx: RunContext = {
    backend: gpu ? 'webgpu' : 'cpu',
    gpu,
    data,
    dataset: loadDataset,
    signal,
    progress: (p) => progress.push(p),
  };
  return { ctx, progress };
}

const run = (values: Partial<SaeValues>, ctx: RunContext) =>
  runExperiment('sae', { ...saeSpec.defaults, ...values }, ctx);

function rowNorms(a: Float32Array, rows: number, d: number): number[] {
  return Array.from({ length: rows }, (_, i) => Math.hypot(...a.subarray(i * d, (i + 1) * d)));
}

describe('SAE runner', () => {
  it('recovers the true features of the default toy problem with the default TopK (MMCS ≥ 0.9)', async () => {
    // Default model, data and schedule; batch 128 instead of 256 halves the CPU time (the CLI's default run,
    // batch 256, reaches 0.92 too).
    const { ctx, progress } = context(null);
    const r = await run({ batch: 128 }, ctx);
    expect(r.metrics.mmcs).toBeGreaterThanOrEqual(0.9);
    // TopK keeps exactly k codes per sample, and the decoder's atoms are unit vectors.
    expect(r.metrics.train_l0).toBeLessThanOrEqual(saeSpec.defaults.k);
    expect(r.metrics.train_l0).toBeGreaterThan(saeSpec.defaults.k - 0.05);
    expect(r.arrays.decoder.shape).toEqual([128, 16]);
    for (const n of rowNorms(r.arrays.decoder.data as Float32Array, 128, 16)) expect(n).toBeCloseTo(1, 4);
    // Live curves arrived while training, with recovery over steps.
    const partials = progress.filter((p) => p.partial);
    expect(partials.length).toBeGreaterThan(10);
    const hist = (r.views as { history: Array<{ mmcs: number }> }).history;
    expect(hist[hist.length - 1].mmcs).toBeGreaterThan(hist[0].mmcs);
  }, 60_000);

  it("JumpReLU's L0 falls as its sparsity coefficient rises", async () => {
    const l0s: number[] = [];
    for (const l0Coeff of [0.003, 0.03, 0.3]) {
      const { ctx } = context(null);
      const r = await run(
        { model: 'jumprelu', l0Coeff, steps: 200, batch: 64, latents: 64, samples: 2048, metricsEvery: 100 },
        ctx,
      );
      l0s.push(r.metrics.l0);
    }
    expect(l0s[1]).toBeLessThan(l0s[0]);
    expect(l0s[2]).toBeLessThan(l0s[1]);
  });

  it('sweeps the L0–MSE frontier of TopK and ReLU-L1', async () => {
    const { ctx, progress } = context(null);
    const r = await run(
      { study: 'frontier', sweepPoints: 2, steps: 60, samples: 2048, latents: 32, metricsEvery: 30 },
      ctx,
    );
    const v = r.views as { curves: Array<{ model: string; points: Array<{ l0: number; nmse: number }> }> };
    expect(v.curves.map((c) => c.model)).toEqual(['topk', 'relu_l1']);
    expect(v.curves[0].points.map((p) => Math.round(p.l0))).toEqual([1, 16]);
    expect(r.arrays.frontier.shape).toEqual([4, 4]);
    // Points were streamed as runs finished.
    const streamed = progress.map(
      (p) => (p.partial as { points?: unknown[] } | undefined)?.points?.length ?? 0,
    );
    expect(Math.max(...streamed.slice(0, -1))).toBeGreaterThanOrEqual(3);
  });

  it('trains on digits and shows atoms as 8×8 images with labelled top samples', async () => {
    const { ctx } = context(null);
    const r = await run({ data: 'digits', steps: 40, latents: 40, k: 6, metricsEvery: 20 }, ctx);
    const v = r.views as {
      atoms: { width: number; count: number; pixels: number[] };
      top: { latents: Array<{ samples: Array<{ label: number; pixels: number[] }> }> };
    };
    expect(v.atoms.width).toBe(8);
    expect(v.atoms.pixels.length).toBe(32 * 64);
    const s = v.top.latents.flatMap((l) => l.samples);
    expect(s.length).toBeGreaterThan(20);
    expect(s.every((x) => x.label >= 0 && x.label <= 9 && x.pixels.length === 64)).toBe(true);
    expect(r.metrics.explained_variance).toBeGreaterThan(0);
  });

  it("takes the user's activations and names the field when their shape is wrong", async () => {
    const x = new Float32Array(300 * 5).map((_, i) => Math.sin(i * 0.37) * (1 + (i % 5)));
    const { ctx } = context(null, { x: nd(x, [300, 5]) });
    const r = await run({ data: 'file', steps: 20, latents: 10, k: 2, batch: 32 }, ctx);
    expect(r.arrays.encoder.shape).toEqual([10, 5]);
    expect(r.views).toHaveProperty('darkMatter');
    const bad = context(null, { x: nd(x, [3, 100, 5]) });
    await expect(run({ data: 'file' }, bad.ctx)).rejects.toThrow(/"x" must be a 2-D array/);
  });

  it('stops at the next step when cancelled', async () => {
    const ac = new AbortController();
    const { ctx } = context(null, {}, ac.signal);
    const partials: Progress[] = [];
    ctx.progress = (p) => {
      if (!p.partial) return;
      partials.push(p);
      ac.abort();
    };
    await expect(run({ latents: 512, steps: 100000, metricsEvery: 1 }, ctx)).rejects.toBeInstanceOf(
      CancelledError,
    );
    // Metrics come after every step here: the cancel in the first one's callback ran no further step.
    expect(partials.length).toBe(1);
    expect((partials[0].partial as { history: unknown[] }).history.length).toBe(1);
  });

  it('runs every model on the GPU, its first and last training steps and final forward pass agreeing with the CPU', async () => {
    const gpu = await testGpu();
    const small = {
      samples: 300,
      latents: 40,
      steps: 8,
      batch: 50,
      metricsEvery: 4,
      k: 3,
      features: 24,
      dims: 9,
    };
    const results: RunResult[] = [];
    for (const model of ['topk', 'relu_l1', 'batchtopk', 'jumprelu', 'polysae', 'relu_l1_unit'] as const) {
      const { ctx } = context(gpu);
      const r = await run(
        { ...small, model, compPairs: model === 'polysae' ? 3 : 0, rank: 6, rank2: 3 },
        ctx,
      );
      expect(r.parity?.status).toBe('checked');
      expect(r.parity?.ok).toBe(true);
      // One full training step repeated on the CPU from the GPU's state, at the start and at the end,
      // every parameter compared.
      const params = Object.keys(r.parity?.params ?? {});
      // polysae runs its general form (the default): U⁽²⁾ and U⁽³⁾ are in the step check too.
      const names = model === 'polysae' ? ['U', 'U2', 'U3', 'C1', 'C2', 'C3', 'lambda'] : ['W_dec'];
      for (const at of ['first step', 'step 8 of 8'])
        for (const name of ['W_enc', 'b_enc', 'b_dec', ...names]) expect(params).toContain(`${at}: ${name}`);
      for (const d of Object.values(r.parity?.params ?? {})) expect(d).toBeLessThan(1e-4);
      expect(Object.keys(r.nonFinite)).toEqual([]);
      results.push(r);
    }
    const poly = results[4].views as { poly: { pairs: unknown[]; n: number } };
    expect(poly.poly.pairs.length).toBe(3);
    expect(results[0].views).toHaveProperty('recovery');
  });

  it('the training-step check fails when the CPU step is not the step the GPU ran', async () => {
    // The probe reads the GPU's state before step 1 and repeats that step on the CPU: given another batch
    // than the one the GPU trained on, it must report a difference far above the tolerance.
    const gpu = await testGpu();
    const v = {
      ...saeSpec.defaults,
      samples: 300,
      latents: 40,
      steps: 8,
      batch: 50,
      k: 3,
      features: 24,
      dims: 9,
    };
    const { ctx } = context(gpu);
    const { ds } = await loadSaeData(v, ctx);
    const c = saeConfig(v, ds);
    const t = await GpuTrainer.create(gpu, c, initParams(c, v.seed, ds.mean), ds, v.batch, decoderKind(v, c));
    try {
      const checks: StepCheck[] = [];
      const probe = stepProbe(t, c, ds, v.batch, [0], checks);
      const sampler = new BatchSampler(ds.nTrain, v.batch, 1);
      const ran = sampler.next();
      const other = sampler.next();
      await probe.before(0);
      t.step(ran);
      await probe.after(0, other);
      expect(Math.max(...Object.values(checks[0].diffs))).toBeGreaterThan(1e-3);
    } finally {
      t.destroy();
    }
  });
});
