import { describe, expect, it } from 'vitest';
import { nd } from '../core/ndarray';
import { saeSpec } from '../spec/sae';
import { estimateRun, limitsFor } from './estimate';
import { runExperiment } from './runner';
import { CancelledError, type RunContext, UserError } from './types';

function cpuContext(signal: AbortSignal): RunContext {
  return {
    backend: 'cpu',
    gpu: null,
    data: {},
    dataset: () => Promise.reject(new Error('no datasets in this test')),
    signal,
    progress: () => {},
  };
}

describe('runs are refused above the limits, with the estimate', () => {
  it('65,536 latents × batch 16,384 on the CPU: refused, naming the memory estimate and how to raise it', async () => {
    const values = { ...saeSpec.defaults, latents: 65536, batch: 16384, samples: 65536 };
    const err = await runExperiment('sae', values, cpuContext(new AbortController().signal)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    // Independently: 8 bytes × (8·M·d + 6·B·M + 2·n·d) with d = 16 (the toy default).
    const M = 65536;
    const B = 16384;
    const d = 16;
    const want = (8 * (8 * M * d + 6 * B * M + 2 * 65536 * d)) / 1e9;
    expect(want).toBeGreaterThan(50);
    const msg = (err as Error).message;
    expect(msg).toContain(`about ${want.toFixed(1)} GB of memory (limit 2 GB`);
    expect(msg).toContain('--max-memory');
    expect(msg).toContain('Max memory (GB)');
  });

  it('a long run refused by the default work limit starts once the limit is raised (cancelled at once)', async () => {
    const values = { ...saeSpec.defaults, latents: 2048, batch: 512, steps: 1_000_000 };
    const refused = await runExperiment('sae', values, cpuContext(new AbortController().signal)).catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as Error).message).toContain('GFLOP of work');
    const ac = new AbortController();
    const started = runExperiment('sae', { ...values, maxGflop: 1e6 }, cpuContext(ac.signal));
    ac.abort();
    const err = await started.catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
  });

  it('estimates match the formulas computed by hand', () => {
    // TopK SAE on the CPU: FLOPs/step = 2·B·M·d + 6·B·(k + auxK)·d + 20·M·d.
    const v = {
      ...saeSpec.defaults,
      latents: 1024,
      batch: 64,
      steps: 10,
      dims: 8,
      samples: 1000,
      k: 4,
      auxK: 16,
    };
    const e = estimateRun('sae', v, 'cpu', {});
    expect(e?.flops).toBe(10 * (2 * 64 * 1024 * 8 + 6 * 64 * 20 * 8 + 20 * 1024 * 8));
    expect(e?.bytes).toBe(8 * (8 * 1024 * 8 + 6 * 64 * 1024 + 2 * 1000 * 8));
    // A matmul from the files' shapes: 2·m·n·k on the CPU, 8·(mk + kn + 2mn) bytes.
    const a = nd(new Float32Array(6 * 5), [6, 5]);
    const b = nd(new Float32Array(5 * 7), [5, 7]);
    const mm = estimateRun('matmul', { m: 1, n: 1, k: 1 }, 'cpu', { a, b });
    expect(mm?.flops).toBe(2 * 6 * 7 * 5);
    expect(mm?.bytes).toBe(8 * (30 + 35 + 84));
    // The defaults when the fields are 0, and the fields when set.
    expect(limitsFor({ maxMemoryGB: 0, maxGflop: 0 }, 'cpu')).toEqual({ memoryGB: 2, gflop: 2000 });
    expect(limitsFor({ maxMemoryGB: 3, maxGflop: 5 }, 'webgpu')).toEqual({ memoryGB: 3, gflop: 5 });
  });

  it('every lab’s defaults and every preset pass the default limits on the CPU', async () => {
    const { specs } = await import('../spec/registry');
    const { PRESETS } = await import('../../app/content/presets');
    const { resolveLocation } = await import('../spec/resolve');
    const cases: Array<[string, string, Record<string, unknown>]> = Object.values(specs).map((def) => [
      def.id,
      def.id,
      def.defaults as Record<string, unknown>,
    ]);
    for (const p of PRESETS) {
      const r = resolveLocation(p.hash);
      if ('error' in r) throw new Error(`${p.id}: ${r.error}`);
      cases.push([p.id, r.def.id, r.values]);
    }
    for (const [name, id, values] of cases) {
      const e = estimateRun(id, values, 'cpu', {});
      expect(e, name).not.toBeNull();
      expect(e!.bytes / 1e9, name).toBeLessThan(2);
      expect(e!.flops / 1e9, name).toBeLessThan(2000);
      expect(e!.flops, name).toBeGreaterThan(0);
    }
  });
});
