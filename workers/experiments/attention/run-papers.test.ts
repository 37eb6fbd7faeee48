import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { attentionSpec } from '../../spec/attention';
import { runExperiment } from '../runner';
import type { RunContext } from '../types';
import { attentionViews } from './views-data';

function context(gpu: RunContext['gpu']): RunContext {
  return {
    backend: gpu ? 'webgpu' : 'cpu',
    gpu,
    data: {},
    dataset: () => Promise.reject(new Error('no datasets here')),
    signal: new AbortController().signal,
    progress: () => {},
  };
}

const base = { ...attentionSpec.defaults, n: 128, d: 16, sweep: false };

describe('attention runner: the paper-faithful paths on both backends', () => {
  it('SLA sum with a fitted projection (CPU runner): held-out errors of all projections, the fit stored for parity', async () => {
    const values = {
      ...base,
      method: 'sla',
      causal: false,
      data: 'video3d',
      kh: 10,
      kl: 0,
      combine: 'sum',
      projection: 'fitted',
      featureMap: 'softmax',
    };
    const cpu = await runExperiment('attention', values, context(null));
    expect(cpu.metrics.slaHeldOutFitted).toBeLessThanOrEqual(cpu.metrics.slaHeldOutZero);
    expect(cpu.metrics.slaHeldOutIdentity).toBeGreaterThan(cpu.metrics.slaHeldOutZero);
    expect(cpu.metrics.heldOutRelL2).toBeCloseTo(cpu.metrics.slaHeldOutFitted, 6);
    expect(cpu.arrays.slaProj.shape).toEqual([1, 17, 16]);
    const zero = await runExperiment('attention', { ...values, projection: 'zero' }, context(null));
    expect(zero.metrics.heldOutRelL2).toBeCloseTo(cpu.metrics.slaHeldOutZero, 6);
  });

  it('LLSA: GPU passes parity; recall figures and the cost chart are reported', async () => {
    const values = {
      ...base,
      method: 'llsa',
      causal: false,
      data: 'video3d',
      llsaK: 3,
      llsaEnrich: 'partition',
    };
    const gpu = await runExperiment('attention', values, context(await testGpu()));
    expect(gpu.parity?.ok).toBe(true);
    expect(gpu.metrics.llsaOracleRecall).toBeGreaterThanOrEqual(gpu.metrics.llsaRecall - 1e-9);
    const views = attentionViews(gpu.views)!;
    expect(views.charts?.map((c) => c.id)).toContain('llsa-cost');
  });

  it('block-sparse with the guard: forced blocks are marked 2 and counted; GPU passes parity', async () => {
    const values = { ...base, method: 'blocksparse', data: 'vertical_slash', simGuard: true, simTheta: 0.4 };
    const gpu = await runExperiment('attention', values, context(await testGpu()));
    expect(gpu.parity?.ok).toBe(true);
    const blocks = Array.from(gpu.arrays.blocks.data as Int32Array);
    const forced = blocks.filter((x) => x === 2).length;
    expect(forced).toBeGreaterThan(0);
    const visible = blocks.filter((x) => x >= 0).length;
    expect(gpu.metrics.blocksForced).toBeCloseTo(forced / visible, 9);
    expect(gpu.metrics.blocksKept).toBeCloseTo(blocks.filter((x) => x >= 1).length / visible, 9);
  });
});
