/**
 * PolySAE general form on the GPU against the float64 CPU reference: one training step from the same state
 * (two in a row, the second with dead latents so AuxK runs), every gradient and every parameter compared.
 */
import { describe, expect, it, vi } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { BatchSampler, prepareDataset } from '../../data/sae-sources';
import { generateToy } from '../../data/sae-toy';
import { createGpuSae } from '../../experiments/sae/registry';
import { maxRelDiff } from '../../experiments/types';
import { forward } from '../../reference/sae/forward';
import { cloneParams, defaultConfig, initParams, type Params, polyColumns } from '../../reference/sae/model';
import { CpuSae } from '../../reference/sae/train';
import { GpuPolySae } from './polysae';
import { GpuSae } from './train';

// Awkward sizes: nothing a multiple of the 64-thread workgroup; R₁ > R₂ > R₃.
const B = 23;
const toy = generateToy({
  features: 30,
  dims: 11,
  sparsity: 0.8,
  importance: 1,
  noise: 0.01,
  corrPairs: 2,
  compPairs: 3,
  samples: 90,
  seed: 5,
});
const ds = prepareDataset(toy.x, toy.n, toy.d, true);
const c = defaultConfig({
  model: 'polysae',
  d: ds.d,
  m: 29,
  k: 4,
  auxK: 5,
  auxCoeff: 0.25,
  deadSamples: B, // latents silent in the first step are dead in the second: AuxK runs
  rank1: 7,
  rank2: 4,
  rank3: 3,
  variance: ds.variance,
  steps: 20,
  lr: 0.01,
  eps: 1e-3, // keeps Adam's first steps well-conditioned, so float32 rounding of a tiny gradient cannot flip it
});

function batchX(rows: Uint32Array): Float64Array {
  const X = new Float64Array(B * ds.d);
  rows.forEach((r, b) => {
    X.set(ds.x.subarray(r * ds.d, (r + 1) * ds.d), b * ds.d);
  });
  return X;
}

/**
 * Tolerances (max |Δ| / max |reference| per parameter): the GPU works in float32 (unit rounding 6e-8) with
 * sums of at most 2B·d ≈ 500 terms, so its gradients carry relative errors of order 1e-5; 1e-3 leaves room
 * for cancellation in the interaction terms. After Adam (each entry moves by at most lr = 0.01, its size set by
 * m/√v, which float32 changes by ~1e-5 relative) and the retraction, parameters agree to ~1e-6 of their
 * scale; 1e-4 is the run's own parity bound (STEP_TOL in experiments/sae/run.ts).
 */
const GRAD_TOL = 1e-3;
const PARAM_TOL = 1e-4;

function expectClose(got: Params, want: Params, tol: number, what: string): void {
  for (const name of Object.keys(want)) {
    const d = maxRelDiff(got[name], want[name], 1e-6);
    if (!(d < tol))
      throw new Error(`${what} ${name}: max relative difference ${d.toExponential(2)} (tol ${tol})`);
  }
}

describe('PolySAE general form: one GPU training step equals one CPU step', () => {
  it('createGpuSae builds the general-form unit for polyShared=0', async () => {
    const gpu = await testGpu();
    const p0 = initParams(c, 7, ds.mean);
    const init = { cfg: c, params: p0, data: ds.x, n: ds.n, batch: B, decoder: 'dense' as const };
    const general = await createGpuSae(gpu, init);
    expect(general).toBeInstanceOf(GpuPolySae);
    general.destroy();
    // The shared form still goes to GpuSae (its own pipelines are tested in kernels/sae-train.test.ts; not
    // compiled again here).
    const sharedCfg = { ...c, polyShared: true, rank3: c.rank2 };
    const spy = vi.spyOn(GpuSae, 'create').mockResolvedValue('GpuSae' as unknown as GpuSae);
    try {
      expect(await createGpuSae(gpu, { ...init, cfg: sharedCfg })).toBe('GpuSae');
      expect(spy).toHaveBeenCalledOnce();
    } finally {
      spy.mockRestore();
    }
  });

  it('two steps (the second with dead latents and AuxK): losses, every gradient and every parameter', async () => {
    const gpu = await testGpu();
    const p0 = initParams(c, 7, ds.mean);
    const cpu = new CpuSae(c, cloneParams(p0));
    const sae = await GpuPolySae.create(gpu, { cfg: c, params: p0, data: ds.x, n: ds.n, batch: B });
    const sampler = new BatchSampler(ds.nTrain, B, 3);
    try {
      for (let step = 0; step < 2; step++) {
        const rows = sampler.next();
        const X = batchX(rows);
        const { f, g } = cpu.gradients(X, B);
        cpu.trainStep(X, B);
        sae.trainStep(rows);
        expect(maxRelDiff(await sae.read('e', B * c.d), f.e)).toBeLessThan(1e-4);
        const sel = (await sae.read('sel', B * c.m, true)) as Uint32Array;
        expect([...sel]).toEqual([...f.sel!]);
        const met = await sae.readMetrics();
        expect(met.rec).toBeCloseTo(f.loss.rec, 4);
        expect(met.l0).toBeCloseTo(f.loss.l0, 4);
        expect(met.aux).toBeCloseTo(f.loss.aux, 4);
        if (step === 1) {
          expect(f.aux).toBeDefined();
          expect(f.loss.aux).toBeGreaterThan(0);
          const selA = (await sae.read('sel', 2 * B * c.m, true)).subarray(B * c.m) as Uint32Array;
          expect([...selA]).toEqual([...f.aux!.sel]);
        }
        expectClose(await sae.readParams('g'), g, GRAD_TOL, `step ${step + 1} gradient`);
        expectClose(await sae.readParams('p'), cpu.p, PARAM_TOL, `step ${step + 1} parameter`);
      }
      const { since } = await sae.readLatentStats();
      expect(maxRelDiff(since, cpu.since)).toBe(0);
      // The retraction kept the three projections orthonormal and mutually orthogonal on the GPU too.
      const p = await sae.readParams('p', ['U', 'U2', 'U3']);
      const cols = polyColumns(c).map(([name, w, r]) =>
        Array.from({ length: c.m }, (_, i) => p[name][i * w + r]),
      );
      for (let a = 0; a < cols.length; a++)
        for (let b2 = 0; b2 <= a; b2++) {
          const dot = cols[a].reduce((s, x, i) => s + x * cols[b2][i], 0);
          expect(Math.abs(dot - (a === b2 ? 1 : 0))).toBeLessThan(1e-4);
        }
    } finally {
      sae.destroy();
    }
  });

  it('is bit-reproducible: two units, three steps, identical parameters and counters', async () => {
    const gpu = await testGpu();
    const p0 = initParams(c, 11, ds.mean);
    const runs = [];
    for (let run = 0; run < 2; run++) {
      const sae = await GpuPolySae.create(gpu, { cfg: c, params: p0, data: ds.x, n: ds.n, batch: B });
      const sampler = new BatchSampler(ds.nTrain, B, 4);
      for (let step = 0; step < 3; step++) sae.trainStep(sampler.next());
      runs.push({
        p: await sae.readParams('p'),
        lat: await sae.read('lat', 2 * c.m),
        met: await sae.readMetrics(),
      });
      sae.destroy();
    }
    // The run moved the parameters (a test of something), and both runs agree bit for bit.
    expect(maxRelDiff(runs[0].p.U, p0.U)).toBeGreaterThan(1e-4);
    for (const name of Object.keys(runs[0].p))
      expect([...runs[1].p[name]], name).toEqual([...runs[0].p[name]]);
    expect([...runs[1].lat]).toEqual([...runs[0].lat]);
    expect(runs[1].met).toEqual(runs[0].met);
  });

  it('evaluates like the CPU forward (errors and firing counts)', async () => {
    const gpu = await testGpu();
    const p0 = initParams(c, 9, ds.mean);
    const sae = await GpuPolySae.create(gpu, { cfg: c, params: p0, data: ds.x, n: ds.n, batch: B });
    try {
      const count = 30; // not a multiple of the batch
      const start = 50;
      const res = await sae.evaluate(start, count, { codes: true });
      const f = forward(c, p0, ds.x.subarray(start * c.d, (start + count) * c.d), count);
      expect(maxRelDiff(res.e, f.e)).toBeLessThan(1e-4);
      expect(maxRelDiff(res.codes!, f.z)).toBeLessThan(1e-4);
      const counts = new Float64Array(c.m);
      for (let q = 0; q < f.z.length; q++) if (f.z[q] > 0) counts[q % c.m]++;
      expect([...res.counts]).toEqual([...counts]);
    } finally {
      sae.destroy();
    }
  });
});
