import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { datasetLoader } from '../../io/datasets';
import { saeSpec } from '../../spec/sae';
import { runExperiment } from '../runner';
import type { RunContext } from '../types';
import { darkSizes, pearson } from './darkmatter';

const loadDataset = datasetLoader((file) =>
  readFile(new URL(`../../../public/datasets/${file}`, import.meta.url), 'utf8'),
);

describe('dark matter across SAE sizes', () => {
  it('sizes span latents × ¼ … ×4; Pearson correlation is the textbook one', () => {
    expect(darkSizes({ ...saeSpec.defaults, latents: 64, sweepPoints: 5 })).toEqual([16, 32, 64, 128, 256]);
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
  });

  it('trains one SAE per size and writes the per-sample error norms and their correlations', async () => {
    const ctx: RunContext = {
      backend: 'cpu',
      gpu: null,
      data: {},
      dataset: loadDataset,
      signal: new AbortController().signal,
      progress: () => {},
    };
    const v = {
      ...saeSpec.defaults,
      study: 'darkmatter' as const,
      latents: 16,
      sweepPoints: 3,
      steps: 60,
      samples: 600,
    };
    const r = await runExperiment('sae', v, ctx);
    expect(r.arrays.latents.shape).toEqual([3]);
    const nHeld = r.metrics.held_out_rows;
    expect(r.arrays.error_norms.shape).toEqual([3, nHeld]);
    const corr = r.arrays.error_norm_corr.data as Float64Array;
    for (let a = 0; a < 3; a++) expect(corr[a * 3 + a]).toBeCloseTo(1, 10);
    expect(corr[1]).toBeCloseTo(corr[3], 12);
    // Bigger dictionaries reconstruct better on this toy.
    expect(r.metrics.M64_nmse).toBeLessThan(r.metrics.M4_nmse);
  });
});
