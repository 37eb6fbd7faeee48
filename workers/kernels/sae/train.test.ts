import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { BatchSampler, prepareDataset } from '../../data/sae-sources';
import { generateToy } from '../../data/sae-toy';
import { gpuUnits } from '../../experiments/sae/registry';
import { maxRelDiff } from '../../experiments/types';
import {
  cloneParams,
  defaultConfig,
  initParams,
  type Params,
  type SaeConfig,
  type SaeModel,
  unitAtoms,
} from '../../reference/sae/model';
import { removeParallel } from '../../reference/sae/optim';
import { CpuSae } from '../../reference/sae/train';
import type { TopkVariant } from './topk';
import { type DecoderKind, GpuSae } from './train';

// Awkward sizes: nothing is a multiple of a tile or a workgroup.
const B = 23;
const toy = generateToy({
  features: 30,
  dims: 11,
  sparsity: 0.8,
  importance: 1,
  noise: 0.01,
  corrPairs: 0,
  compPairs: 0,
  samples: 80,
  seed: 2,
});
const ds = prepareDataset(toy.x, toy.n, toy.d, true);

function config(model: SaeModel): SaeConfig {
  return defaultConfig({
    model,
    d: ds.d,
    m: 45,
    k: 5,
    auxK: 6,
    deadSamples: B, // latents silent in the first step are dead in the second: AuxK runs
    rank1: 9,
    rank2: 3,
    polyShared: true, // the shared form; the general form's step is tested in kernels/sae/polysae.test.ts
    variance: ds.variance,
    l1: 0.3,
    l0Coeff: 0.05,
    threshold: 0.05,
    bandwidth: 0.3,
    steps: 20,
    eps: 1e-3, // keeps Adam's first steps well-conditioned, so float32 rounding of tiny gradients cannot flip them
  });
}

function batchX(rows: Uint32Array): Float64Array {
  const X = new Float64Array(B * ds.d);
  rows.forEach((r, b) => {
    for (let j = 0; j < ds.d; j++) X[b * ds.d + j] = ds.x[r * ds.d + j];
  });
  return X;
}

function expectClose(got: Params, want: Params, tol: number, what: string): void {
  for (const name of Object.keys(want)) {
    const d = maxRelDiff(got[name], want[name], 1e-6);
    if (!(d < tol))
      throw new Error(`${what} ${name}: max relative difference ${d.toExponential(2)} (tolerance ${tol})`);
  }
}

const cases: Array<[SaeModel, DecoderKind, TopkVariant?]> = [
  ['topk', 'sparse'],
  ['topk', 'sparse', 'radix'],
  ['topk', 'dense'],
  ['relu_l1', 'dense'],
  ['relu_l1_unit', 'dense'],
  ['batchtopk', 'dense'],
  ['jumprelu', 'dense'],
  ['polysae', 'sparse'],
  ['polysae', 'dense'],
];

describe('one GPU training step equals one CPU step', () => {
  for (const [model, decoder, topk] of cases) {
    const kernel = topk ? `, ${topk} top-k kernel` : '';
    it(`${model} with the ${decoder} decoder${kernel} (two steps, the second with dead latents)`, async () => {
      const gpu = await testGpu();
      const c = config(model);
      const p0 = initParams(c, 7, ds.mean);
      const cpu = new CpuSae(c, cloneParams(p0));
      const sae = await GpuSae.create(gpu, {
        cfg: c,
        params: p0,
        data: ds.x,
        n: ds.n,
        batch: B,
        decoder,
        units: gpuUnits(c),
        topk,
      });
      const sampler = new BatchSampler(ds.nTrain, B, 3);
      try {
        for (let step = 0; step < 2; step++) {
          const rows = sampler.next();
          const X = batchX(rows);
          const { f, g } = cpu.gradients(X, B);
          if (unitAtoms(c)) removeParallel(cpu.p.W_dec, g.W_dec, c.m, c.d);
          cpu.trainStep(X, B);
          sae.trainStep(rows);

          expect(maxRelDiff(await sae.read('e', B * c.d), f.e)).toBeLessThan(1e-4);
          const met = await sae.readMetrics();
          expect(met.rec).toBeCloseTo(f.loss.rec, 4);
          expect(met.l0).toBeCloseTo(f.loss.l0, 4);
          expect(met.sparsity).toBeCloseTo(f.loss.sparsity, 4);
          expect(met.aux).toBeCloseTo(f.loss.aux, 4);
          expectClose(await sae.readParams('g'), g, 1e-3, `step ${step + 1} gradient`);
          expectClose(await sae.readParams('p'), cpu.p, 1e-4, `step ${step + 1} parameter`);
          if (step === 1 && (model === 'topk' || model === 'batchtopk'))
            expect(f.loss.aux).toBeGreaterThan(0);
          if (model === 'jumprelu') expect(g.log_threshold.some((v) => v !== 0)).toBe(true);

          if (model === 'topk') {
            // Exactly k distinct latents per sample, the same ones the reference kept.
            const E = c.k + c.auxK;
            const idx = (await sae.read('idx', B * E, true)) as Uint32Array;
            for (let b = 0; b < B; b++) {
              const got = [...idx.subarray(b * E, b * E + c.k)];
              expect(new Set(got).size).toBe(c.k);
              const want = [...f.sel!.subarray(b * c.m, (b + 1) * c.m).keys()].filter(
                (i) => f.sel![b * c.m + i],
              );
              expect(got).toEqual(want);
            }
          }
        }
        const { since } = await sae.readLatentStats();
        expect(maxRelDiff(since, cpu.since)).toBe(0);
      } finally {
        sae.destroy();
      }
    });
  }
});
