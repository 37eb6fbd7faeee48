import { describe, expect, it } from 'vitest';
import { nd } from '../../workers/core/ndarray';
import type { RunResult } from '../../workers/experiments/types';
import { denseAttentionCost } from '../../workers/scale/cost';
import { attentionSpec } from '../../workers/spec/attention';
import { scalePlan } from './scale-view';

const result = (over: Partial<RunResult>): RunResult =>
  ({ arrays: {}, metrics: {}, timings: {}, spec: {}, backend: 'cpu', adapter: null, ...over }) as RunResult;

describe('scale view plans', () => {
  it('attention: up to 131,072 tokens; the method’s efficiency relative to dense is measured only on WebGPU', () => {
    const s = { heads: 1, n: 512, d: 64, causal: true };
    const denseFlops = denseAttentionCost(s).flops;
    const metrics = { heads: 1, n: 512, d: 64, flopFraction: 0.25, kernelMs: 10, selectMs: 0, denseMs: 20 };
    const spec = { ...attentionSpec.defaults, method: 'linear' };
    const gpu = scalePlan(result({ experiment: 'attention', spec, metrics, backend: 'webgpu' }));
    // Method: 0.25·F in 10 ms; dense: F in 20 ms → relative FLOP/s 0.5.
    expect(gpu?.relEfficiency).toBeCloseTo((0.25 * denseFlops) / 10 / (denseFlops / 20), 12);
    expect(gpu?.rows.at(-1)?.size).toBe('131,072');
    const cpu = scalePlan(result({ experiment: 'attention', spec, metrics, backend: 'cpu' }));
    expect(cpu?.relEfficiency).toBe(1);
    expect(cpu?.efficiencyNote).toMatch(/not measured/);
  });

  it('SAE up to 2²⁰ latents, regression up to 10⁶ × 10⁴; none for results without weights or coefficients', () => {
    const sae = scalePlan(
      result({
        experiment: 'sae',
        spec: { k: 8, batch: 128 },
        arrays: { encoder: nd(new Float32Array(64 * 16), [64, 16]) },
      }),
    );
    expect(sae?.rows.map((r) => r.size)).toEqual(['64', '16,384', '65,536', '262,144', '1,048,576']);
    const reg = scalePlan(
      result({
        experiment: 'regression',
        spec: { solver: 'lasso' },
        metrics: { n: 100, d: 20, iterations: 30 },
        arrays: { coef: nd(new Float64Array(20), [20]) },
      }),
    );
    expect(reg?.rows.at(-1)?.size).toBe('1,000,000 × 10,000');
    expect(reg?.rows.at(-1)?.method.flops).toBe(30 * 4 * 1e6 * 1e4);
    expect(scalePlan(result({ experiment: 'regression', spec: { study: 'phase' } }))).toBeNull();
    expect(scalePlan(result({ experiment: 'sae', spec: { study: 'frontier' } }))).toBeNull();
  });
});
