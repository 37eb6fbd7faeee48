/**
 * AuxK in training, on the CPU reference: the dead-latent bookkeeping counts only the main TopK codes, and in
 * a setting where latents die without it (a dictionary twice the size of the true features, trained with a
 * high learning rate) AuxK brings most of them back.
 */
import { describe, expect, it } from 'vitest';
import { BatchSampler, prepareDataset } from '../../data/sae-sources';
import { generateToy } from '../../data/sae-toy';
import { forward } from './forward';
import { defaultConfig, initParams, type SaeConfig } from './model';
import { CpuSae } from './train';

const toy = generateToy({
  features: 64,
  dims: 16,
  sparsity: 0.9,
  importance: 1,
  noise: 0,
  corrPairs: 0,
  compPairs: 0,
  samples: 4096,
  seed: 1,
});
const ds = prepareDataset(toy.x.slice(), toy.n, toy.d, true);
const BATCH = 128;

const config = (auxK: number, over: Partial<SaeConfig> = {}): SaeConfig =>
  defaultConfig({
    model: 'topk',
    d: ds.d,
    m: 128,
    k: 4,
    auxK,
    deadSamples: 16 * BATCH,
    variance: ds.variance,
    lr: 0.05,
    steps: 300,
    ...over,
  });

function batchX(rows: Uint32Array): Float64Array {
  const X = new Float64Array(rows.length * ds.d);
  rows.forEach((r, b) => {
    for (let j = 0; j < ds.d; j++) X[b * ds.d + j] = ds.x[r * ds.d + j];
  });
  return X;
}

/**
 * Trains with a seeded batch order; returns the final dead count, how many times a dead latent fired again, the
 * steps that had an AuxK loss and its mean normalised value ‖e − ê‖²/‖e‖² over them.
 */
function train(c: SaeConfig): { dead: number; revived: number; auxSteps: number; auxNmse: number } {
  const sae = new CpuSae(c, initParams(c, 1, ds.mean));
  const sampler = new BatchSampler(ds.nTrain, BATCH, 1);
  let revived = 0;
  let auxSteps = 0;
  let auxSum = 0;
  for (let s = 0; s < c.steps; s++) {
    const dead = sae.deadMask();
    const st = sae.trainStep(batchX(sampler.next()), BATCH);
    if (st.aux > 0) {
      auxSteps++;
      auxSum += st.aux / c.auxCoeff;
    }
    for (let i = 0; i < c.m; i++) {
      // `since` is reset only when the latent fired in the main TopK codes of this step.
      if (dead[i] && sae.since[i] === 0) revived++;
    }
  }
  let dead = 0;
  for (const v of sae.deadMask()) dead += v;
  return { dead, revived, auxSteps, auxNmse: auxSum / Math.max(auxSteps, 1) };
}

describe('AuxK during training (CPU reference)', () => {
  it('counts a latent as firing only through the main TopK codes, never through the AuxK codes', () => {
    const c = config(16);
    const sae = new CpuSae(c, initParams(c, 1, ds.mean));
    const sampler = new BatchSampler(ds.nTrain, BATCH, 1);
    // After 100 steps at this learning rate some latents are dead, so the next step has AuxK codes.
    for (let s = 0; s < 100; s++) sae.trainStep(batchX(sampler.next()), BATCH);
    const X = batchX(sampler.next());
    const dead = sae.deadMask();
    const before = sae.since.slice();
    const f = forward(c, sae.p, X, BATCH, { dead });
    sae.trainStep(X, BATCH);
    expect(f.aux).toBeDefined();
    let auxOnly = 0;
    for (let i = 0; i < c.m; i++) {
      let main = false;
      let aux = false;
      for (let b = 0; b < BATCH; b++) {
        if (f.z[b * c.m + i] > 0) main = true;
        if (f.aux!.z[b * c.m + i] > 0) aux = true;
      }
      if (aux && !main) auxOnly++;
      expect(sae.since[i]).toBe(main ? 0 : before[i] + BATCH);
    }
    expect(auxOnly).toBeGreaterThan(0);
  });

  it('revives dead latents: about half the dictionary dies without AuxK, far fewer with it', () => {
    const off = train(config(0));
    const on = train(config(16));
    // Without AuxK dead latents get no gradient, stay where they are and pile up.
    expect(off.dead).toBeGreaterThanOrEqual(40);
    expect(off.auxSteps).toBe(0);
    // With it they are trained on the residual, win main TopK slots again and fire.
    expect(on.auxSteps).toBeGreaterThan(200);
    // The dead latents do fit part of the residual (ê = 0 scores 1; a wrong-signed AuxK gradient scores above 1).
    expect(on.auxNmse).toBeLessThan(1);
    expect(on.dead).toBeLessThanOrEqual(0.6 * off.dead);
    expect(on.revived).toBeGreaterThan(off.revived);
  });
});
