/**
 * Bit-reproducibility of GPU training: the same seed and spec, trained twice on the same adapter, give
 * identical parameters, optimiser-visible gradients, metrics and latent statistics. Every model runs; the
 * TopK-like ones with the sparse decoder forced (its transposed gradient is built from per-latent lists
 * filled with atomics, the part that used to change its summation order from run to run) and with the
 * dense one. Many latents fire in every batch so the per-latent lists are long and contended.
 */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test/gpu';
import { BatchSampler, prepareDataset } from '../data/sae-sources';
import { generateToy } from '../data/sae-toy';
import { defaultConfig, initParams, type SaeConfig, type SaeModel } from '../reference/sae/model';
import { type DecoderKind, GpuSae } from './sae-train';

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

const cases: Array<[SaeModel, DecoderKind]> = [
  ['topk', 'sparse'],
  ['polysae', 'sparse'],
  ['topk', 'dense'],
  ['batchtopk', 'dense'],
  ['jumprelu', 'dense'],
  ['relu_l1', 'dense'],
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
