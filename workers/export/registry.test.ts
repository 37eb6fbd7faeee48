import { describe, expect, it } from 'vitest';
import { experiments } from '../experiments/registry';
import type { RunResult } from '../experiments/types';
import { attentionSpec } from '../spec/attention';
import { pruningSpec } from '../spec/pruning';
import { regressionSpec } from '../spec/regression';
import { saeSpec } from '../spec/sae';
import { exporters, exportPython } from './registry';

const request = (experiment: string, values: Record<string, unknown>) => ({
  result: { experiment, backend: 'cpu', arrays: {}, metrics: {}, spec: values } as unknown as RunResult,
  values,
  data: {},
  dataset: () => Promise.reject(new Error('no datasets here')),
  url: `#/${experiment}`,
});

describe('Python exporters', () => {
  const ids = Object.keys(experiments).sort();
  it(`every registered experiment has one (checked: ${ids.join(', ')})`, () => {
    expect(ids.length).toBeGreaterThan(0);
    const missing = ids.filter((id) => !Object.hasOwn(exporters, id));
    expect(missing, `experiments without a Python exporter: ${missing.join(', ')}`).toEqual([]);
  });
  it('each exporter is registered under its own experiment id', () => {
    for (const [id, e] of Object.entries(exporters)) expect(e.experiment).toBe(id);
  });

  it('names what it cannot export instead of writing a script that could not agree', async () => {
    const reg = regressionSpec.defaults as Record<string, unknown>;
    await expect(exportPython(request('regression', { ...reg, study: 'phase' }))).rejects.toThrow(
      /produce coefficients .* "phase" produces success rates/,
    );
    const attn = attentionSpec.defaults as Record<string, unknown>;
    await expect(
      exportPython(request('attention', { ...attn, heads: 2, hybrid: 'dense,window' })),
    ).rejects.toThrow(/one method on every head; this run is a per-head hybrid/);
    const sae = saeSpec.defaults as Record<string, unknown>;
    await expect(exportPython(request('sae', { ...sae, study: 'frontier' }))).rejects.toThrow(/frontier/);
    await expect(
      exportPython(request('sae', { ...sae, model: 'polysae', polyShared: false })),
    ).rejects.toThrow(/shared form only \(polyShared=1\)/);
    const prune = pruningSpec.defaults as Record<string, unknown>;
    await expect(exportPython(request('pruning', { ...prune, study: 'sweep' }))).rejects.toThrow(
      /layer study .* "sweep" runs every method .* no masks or weights to compare/,
    );
    await expect(
      exportPython(request('pruning', { ...prune, study: 'training', data: 'digits_mlp' })),
    ).rejects.toThrow(/"training" trains the digits MLP .* cannot replay/);
    await expect(exportPython(request('pruning', { ...prune, data: 'digits_mlp' }))).rejects.toThrow(
      /digits MLP is trained in the page .* export a single layer/,
    );
    await expect(exportPython(request('nosuchlab', {}))).rejects.toThrow(/not available for nosuchlab/);
  });
});
