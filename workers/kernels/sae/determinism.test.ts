/**
 * Bit-reproducibility of GPU training: the same seed and spec, trained twice on the same adapter, give
 * identical parameters, gradients, metrics and latent statistics after 20 steps. The models whose training
 * uses atomics run: TopK and PolySAE with the sparse decoder forced (its transposed gradient sums over
 * per-latent lists filled with atomics, whose order used to change from run to run: both of these tests
 * failed before the lists were sorted) and BatchTopK (atomic histograms and minimum for its threshold).
 * Few latents and a larger batch make the lists long and contended. Then the sort itself, exactly.
 */

import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { BatchSampler, prepareDataset } from '../../data/sae-sources';
import { generateToy } from '../../data/sae-toy';
import { gpuUnits } from '../../experiments/sae/registry';
import { readUint32 } from '../../gpu/buffers';
import { PassList } from '../../gpu/pass';
import { Rng } from '../../io/rng';
import { defaultConfig, initParams, type SaeConfig, type SaeModel } from '../../reference/sae/model';
import { type DecoderKind, GpuSae } from './train';
import * as K from './util/ops';

const B = 61;
const STEPS = 20;
const toy = generateToy({
  features: 40,
  dims: 13,
  sparsity: 0.7,
  importance: 1,
  noise: 0.01,
  corrPairs: 0,
  compPairs: 0,
  samples: 200,
  seed: 5,
});
const ds = prepareDataset(toy.x, toy.n, toy.d, true);

function config(model: SaeModel): SaeConfig {
  return defaultConfig({
    model,
    d: ds.d,
    m: 37,
    k: 7,
    auxK: 9,
    deadSamples: 2 * B,
    rank1: 9,
    rank2: 3,
    polyShared: true, // the shared form; the general form's step is tested in kernels/sae/polysae.test.ts
    variance: ds.variance,
    l1: 0.3,
    l0Coeff: 0.05,
    threshold: 0.05,
    bandwidth: 0.3,
    steps: STEPS,
    lr: 3e-3,
  });
}

interface Snapshot {
  params: Record<string, Float64Array>;
  grads: Record<string, Float64Array>;
  metrics: number[][];
  since: Float32Array;
  firings: Float32Array;
}

async function train(model: SaeModel, decoder: DecoderKind): Promise<Snapshot> {
  const gpu = await testGpu();
  const c = config(model);
  const sae = await GpuSae.create(gpu, {
    cfg: c,
    params: initParams(c, 11, ds.mean),
    data: ds.x,
    n: ds.n,
    batch: B,
    decoder,
    units: gpuUnits(c),
  });
  try {
    const sampler = new BatchSampler(ds.nTrain, B, 4);
    const metrics: number[][] = [];
    for (let s = 0; s < STEPS; s++) {
      sae.trainStep(sampler.next());
      if (s % 5 === 4) {
        const m = await sae.readMetrics();
        metrics.push([m.rec, m.sparsity, m.aux, m.total, m.l0, m.steps, m.theta]);
      }
    }
    const { since, firings } = await sae.readLatentStats();
    return {
      params: await sae.readParams('p'),
      grads: await sae.readParams('g'),
      metrics,
      since: Float32Array.from(since),
      firings: Float32Array.from(firings),
    };
  } finally {
    sae.destroy();
  }
}

/** Index of the first element whose bits differ, or −1. */
function firstBitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function expectIdentical(a: Snapshot, b: Snapshot): void {
  const diffs: string[] = [];
  for (const kind of ['params', 'grads'] as const) {
    for (const name of Object.keys(a[kind])) {
      const i = firstBitDiff(a[kind][name], b[kind][name]);
      if (i >= 0) diffs.push(`${kind}.${name}[${i}]: ${a[kind][name][i]} vs ${b[kind][name][i]}`);
    }
  }
  const i = firstBitDiff(a.metrics.flat(), b.metrics.flat());
  if (i >= 0) diffs.push(`metrics[${i}]: ${a.metrics.flat()[i]} vs ${b.metrics.flat()[i]}`);
  if (firstBitDiff(a.since, b.since) >= 0) diffs.push('since');
  if (firstBitDiff(a.firings, b.firings) >= 0) diffs.push('firings');
  expect(diffs).toEqual([]);
}

// The sparse path (per-latent lists built with atomics) for both models that have it, and BatchTopK, whose
// batch threshold comes from atomic histograms and an atomic minimum. The other dense paths have no atomics
// (every sum is one invocation's loop or a fixed reduction tree).
const cases: Array<[SaeModel, DecoderKind]> = [
  ['topk', 'sparse'],
  ['polysae', 'sparse'],
  ['batchtopk', 'dense'],
];

describe('GPU training is bit-reproducible', () => {
  for (const [model, decoder] of cases) {
    it(`${model} with the ${decoder} decoder: two runs of ${STEPS} steps agree bit for bit`, async () => {
      const a = await train(model, decoder);
      const b = await train(model, decoder);
      // The run did something: parameters moved and the losses are finite.
      expect(a.metrics.flat().every(Number.isFinite)).toBe(true);
      expect(a.firings.some((v) => v > 0)).toBe(true);
      expectIdentical(a, b);
    });
  }
});

describe('per-latent entry lists (CSC build)', () => {
  it('are sorted by entry index whatever order the atomic fill used', async () => {
    const gpu = await testGpu();
    // 150 samples × (4 main + 3 AuxK) entries over 23 latents: latent 3 is in every sample's main codes
    // (a list longer than a workgroup, filled by several), AuxK codes may repeat a main latent, ~15% of the
    // entries are inactive.
    const [Bn, E, kMain, M] = [150, 7, 4, 23];
    const rng = new Rng(9, 0);
    const idx = new Uint32Array(Bn * E);
    const ent = new Float32Array(2 * Bn * E);
    for (let b = 0; b < Bn; b++) {
      const main = [3, ...rng.sample(M - 1, kMain - 1).map((i) => (i >= 3 ? i + 1 : i))].sort(
        (x, y) => x - y,
      );
      const aux = [...rng.sample(M, E - kMain)].sort((x, y) => x - y);
      [...main, ...aux].forEach((i, s) => {
        idx[b * E + s] = i;
        ent[b * E + s] = rng.uniform() < 0.15 ? 0 : 0.1 + rng.uniform();
      });
    }
    // Reference: a stable counting sort of the active entries by latent.
    const want: number[][] = Array.from({ length: M }, () => []);
    for (let e = 0; e < Bn * E; e++) if (ent[e] > 0) want[idx[e]].push(e);
    expect(want[3].length).toBeGreaterThan(128);

    const bs = new PassList(gpu, 'sae-csc');
    try {
      const buf = (name: string, n: number) => bs.empty(name, 4 * Math.max(4, n));
      const b = {
        idx: bs.data('idx', idx),
        ent: bs.data('ent', ent),
        count: buf('count', M),
        fired: buf('fired', M),
        offsets: buf('offsets', M + 1),
        cursor: buf('cursor', M),
        list: buf('list', Bn * E),
        order: buf('order', Bn * E),
        G: buf('G', 1),
        xc: buf('xc', 1),
        gA: buf('gA', 1),
        gWenc: buf('gWenc', 1),
        gbEnc: buf('gbEnc', 1),
      };
      const ops = K.sparseGradOps(bs, b, { B: Bn, E, kMain, M, w: 1, d: 1 });
      // Count, scan, fill, sort (not the gradient sums).
      bs.run(ops.slice(0, 4));
      const offsets = await readUint32(gpu.device, b.offsets, M + 1);
      const order = await readUint32(gpu.device, b.order, Bn * E);
      const got = want.map((_, i) => [...order.subarray(offsets[i], offsets[i + 1])]);
      expect(got).toEqual(want);
    } finally {
      bs.destroy();
    }
  });
});
