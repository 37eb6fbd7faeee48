import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { nd } from '../../core/ndarray';
import { attentionInputs } from '../../data/attention-inputs';
import { attentionRow } from '../../reference/attention/dense';
import { seaMaskRef } from '../../reference/attention/sea';
import { attentionSpec } from '../../spec/attention';
import { runExperiment } from '../runner';
import type { RunContext } from '../types';
import { gpuFaults } from './backend-gpu';
import { attentionViews, cellCentre } from './views-data';

function context(
  gpu: RunContext['gpu'],
  data: RunContext['data'] = {},
  progress: RunContext['progress'] = () => {},
): RunContext {
  return {
    backend: gpu ? 'webgpu' : 'cpu',
    gpu,
    data,
    dataset: () => Promise.reject(new Error('no datasets here')),
    signal: new AbortController().signal,
    progress,
  };
}

const base = { ...attentionSpec.defaults, n: 130, d: 24, sweep: false };

describe('attention runner', () => {
  it('CPU and WebGPU agree on block-sparse attention and both report the same metrics', async () => {
    const values = { ...base, method: 'blocksparse', data: 'clustered', rho: 0.3 };
    const cpu = await runExperiment('attention', values, context(null));
    const gpu = await runExperiment('attention', values, context(await testGpu()));
    expect(gpu.parity?.status).toBe('checked');
    expect(gpu.parity?.ok).toBe(true);
    // The CPU recomputed the block scores and the selection from Q and K: the same kept blocks.
    expect(gpu.parity?.maskAgreement).toBe(1);
    expect(gpu.parity?.maskMismatches).toBe(0);
    expect(gpu.parity?.details?.[0]).toMatch(/^mask: \d+ of \d+ kept blocks agree/);
    // What ran where: the scores and the attention on the GPU, the top-k selection in TypeScript.
    const stageOf = (name: string) => gpu.stages.find((s) => s.name === name)?.backend;
    expect([stageOf('block scores'), stageOf('selection'), stageOf('attention')]).toEqual([
      'webgpu',
      'cpu',
      'webgpu',
    ]);
    expect(gpu.stages.find((s) => s.name === 'spectrum')).toMatchObject({
      backend: 'cpu',
      note: 'the SVD has no GPU path',
    });
    expect(cpu.stages.every((s) => s.backend === 'cpu')).toBe(true);

    // A deliberately broken GPU selection: one perturbed block score. The kernel attends exactly over the
    // (wrong) mask it was given, so the output check alone passes; the CPU's own selection catches it.
    gpuFaults.blockScore = { head: 0, qBlock: 4, delta: 1e3 };
    try {
      const broken = await runExperiment('attention', values, context(await testGpu()));
      expect(broken.parity?.maxRelDiff).toBeLessThan(broken.parity?.tolerance ?? 0);
      expect(broken.parity?.maskMismatches).toBeGreaterThan(0);
      expect(broken.parity?.maskAgreement).toBeLessThan(1);
      expect(broken.parity?.ok).toBe(false);
    } finally {
      gpuFaults.blockScore = null;
    }
    expect(cpu.arrays.out.shape).toEqual([1, 130, 24]);
    expect(cpu.arrays.blocks.shape).toEqual([1, 5, 5]);
    for (const key of ['relL2', 'massRecall', 'sparsity', 'flopFraction']) {
      expect(Math.abs(gpu.metrics[key] - cpu.metrics[key])).toBeLessThan(1e-3);
    }
    expect(cpu.metrics.relL2).toBeGreaterThan(0);
    expect(cpu.metrics.massRecall).toBeLessThan(1);
    const views = attentionViews(cpu.views)!;
    expect(views.maps[0].rows).toBe(130);
    expect(views.maps[0].classes?.length).toBe(130 * 130);
    expect(views.spectrum?.top.length).toBe(130);
  });

  // linear and log-linear share the GPU plan path with SLA; they run on the CPU backend below.
  for (const method of ['dense', 'window', 'hip', 'sea', 'sla'] as const) {
    it(`runs ${method} on the GPU with parity against the reference`, async () => {
      // Dense also checks the chosen zoom on the GPU path: query 100 → rows clamped to 66–129, key 5 → 0–63.
      const zoom = method === 'dense' ? { zoomQ: 100, zoomK: 5 } : {};
      const values = { ...base, method, data: 'needle', heads: 2, window: 16, hipK: 24, ...zoom };
      const r = await runExperiment('attention', values, context(await testGpu()));
      if (method === 'dense') {
        const z = attentionViews(r.views)!.zoom!;
        expect([z.row0, z.col0, z.centreQ, z.centreK, z.auto]).toEqual([66, 0, 100, 5, false]);
      }
      expect(r.parity?.ok).toBe(true);
      expect(r.arrays.out.shape).toEqual([2, 130, 24]);
      expect(Object.keys(r.nonFinite)).toEqual([]);
      if (method === 'dense') expect(r.metrics.relL2).toBe(0);
      else expect(r.metrics.relL2).toBeGreaterThan(0);
      if (method === 'hip' || method === 'sea' || method === 'sla') {
        // The parity recomputed the mask on the CPU from Q and K: every difference is a float32 near-tie.
        expect(r.parity?.maskMismatches).toBe(0);
        expect(r.parity?.maskAgreement).toBeGreaterThan(0.97);
      }
      if (method === 'sea') {
        // The same check, computed here: the GPU estimate keeps the CPU's buckets but for near-ties.
        const x = attentionInputs('needle', 2, 130, 24, values.seed, true);
        const cpu = seaMaskRef(x.q.subarray(0, 130 * 24), x.k.subarray(0, 130 * 24), {
          ...values,
          n: 130,
          d: 24,
          causal: true,
        });
        const gpuKeep = r.arrays.mask.data as Uint8Array;
        let same = 0;
        for (let i = 0; i < 130; i++)
          for (let c = 0; c < 24; c++) same += gpuKeep[i * 24 + c] === ((cpu.bits[i] >>> c) & 1) ? 1 : 0;
        expect(same / (130 * 24)).toBeGreaterThan(0.97);
      }
    });
  }

  for (const method of ['linear', 'loglinear'] as const) {
    it(`runs ${method} on the CPU backend`, async () => {
      const r = await runExperiment('attention', { ...base, method, data: 'local', heads: 2 }, context(null));
      expect(r.arrays.out.shape).toEqual([2, 130, 24]);
      expect(r.metrics.relL2).toBeGreaterThan(0);
      expect(r.metrics.flopFraction).toBeGreaterThan(0);
      expect(r.metrics.massRecall).toBeUndefined();
    });
  }

  it('centres the full-resolution zoom on the chosen (zoomQ, zoomK), else on the worst row', async () => {
    const n = 160;
    const d = 16;
    const values = { ...base, n, d, method: 'window', window: 24, data: 'needle' };
    const x = attentionInputs('needle', 1, n, d, values.seed, true);
    const row = new Float64Array(n);
    const logRow = (i: number) => {
      attentionRow(x.q, x.k, n, d, true, i, row);
      return Array.from(row, (w) => Math.log10(Math.max(w, 1e-12)));
    };
    // Chosen: the window is 64×64 centred on (90, 50): queries 58–121, keys 18–81, with those weights.
    const chosen = attentionViews(
      (await runExperiment('attention', { ...values, zoomQ: 90, zoomK: 50 }, context(null))).views,
    )!;
    const z = chosen.zoom!;
    expect([z.row0, z.col0, z.size, z.centreQ, z.centreK, z.auto]).toEqual([58, 18, 64, 90, 50, false]);
    for (const r of [0, 31, 63]) {
      const want = logRow(z.row0 + r);
      for (const c of [0, 40, 63]) expect(z.logP[r * 64 + c]).toBeCloseTo(want[z.col0 + c], 3);
    }
    expect(z.classes?.length).toBe(64 * 64);
    // Near the corner the window is clamped to the matrix.
    const corner = attentionViews(
      (await runExperiment('attention', { ...values, zoomQ: 159, zoomK: 0 }, context(null))).views,
    )!;
    expect([corner.zoom!.row0, corner.zoom!.col0]).toEqual([n - 64, 0]);
    // Automatic (−1): centred on the query with the largest error and that row's heaviest key.
    const auto = attentionViews((await runExperiment('attention', values, context(null))).views)!;
    const a = auto.zoom!;
    const err = auto.maps[0].rowErrorMax; // one map row per query at n = 160
    expect(auto.maps[0].rows).toBe(n);
    expect(a.auto).toBe(true);
    expect(err[a.centreQ]).toBe(Math.max(...err));
    expect(err[a.centreQ]).toBeGreaterThan(0);
    const w = logRow(a.centreQ);
    expect(w[a.centreK]).toBe(Math.max(...w));
    expect(a.row0).toBe(Math.max(0, Math.min(n - 64, a.centreQ - 32)));
    expect(a.col0).toBe(Math.max(0, Math.min(n - 64, a.centreK - 32)));
    // Only the key chosen: rows stay on the worst query.
    const onlyK = attentionViews(
      (await runExperiment('attention', { ...values, zoomK: 3 }, context(null))).views,
    )!;
    expect([onlyK.zoom!.centreQ, onlyK.zoom!.centreK, onlyK.zoom!.col0]).toEqual([a.centreQ, 3, 0]);
  });

  it('maps a map cell to the middle query/key of the tokens it averages', () => {
    for (const [n, cells] of [
      [160, 160],
      [512, 256],
      [1000, 256],
      [16384, 256],
      [130, 64],
    ]) {
      for (let r = 0; r < cells; r++) {
        const i = cellCentre(r, cells, n);
        expect(i).toBeGreaterThanOrEqual(Math.floor((r * n) / cells));
        expect(i).toBeLessThan(Math.floor(((r + 1) * n) / cells));
      }
    }
    expect(cellCentre(0, 256, 16384)).toBe(31);
    expect(cellCentre(255, 256, 16384)).toBe(16383 - 32);
  });

  it('streams sweep points through progress, dense anchored at (1, 0)', async () => {
    const partials: unknown[] = [];
    const values = { ...base, n: 96, d: 16, method: 'window', data: 'local', sweep: true };
    const r = await runExperiment(
      'attention',
      values,
      context(null, {}, (p) => p.partial && partials.push(p.partial)),
    );
    const views = attentionViews(r.views)!;
    expect(partials.length).toBeGreaterThan(10);
    expect(views.sweep?.[0].points[0]).toMatchObject({ x: 1, y: 0 });
    const bs = views.sweep?.find((s) => s.name.startsWith('block-sparse'));
    expect(bs?.points.length).toBe(6);
    // More compute, less error: the error at the largest kept fraction is below that at the smallest.
    expect(bs!.points[5].y).toBeLessThan(bs!.points[0].y);
  });

  it('takes the user’s H×N×d .npy arrays and writes out in the same shape', async () => {
    const x = attentionInputs('gaussian', 2, 40, 16, 3, true);
    const data = { q: nd(x.q, [2, 40, 16]), k: nd(x.k, [2, 40, 16]), v: nd(x.v, [2, 40, 16]) };
    const r = await runExperiment(
      'attention',
      { ...base, method: 'dense', data: 'file' },
      context(null, data),
    );
    expect(r.arrays.out.shape).toEqual([2, 40, 16]);
    await expect(
      runExperiment(
        'attention',
        { ...base, method: 'dense', data: 'file' },
        context(null, { q: data.q, k: nd(x.k.subarray(0, 640), [40, 16]), v: data.v }),
      ),
    ).rejects.toThrow(/k: shape 40×16 differs/);
  });

  it('a cancel during a CPU kernel stops the run inside that kernel, before the next stage', async () => {
    const ctrl = new AbortController();
    const stages: string[] = [];
    const ctx = {
      ...context(null, {}, (p) => {
        stages.push(p.stage);
        // Cancel once the method's kernel has started (a timer, so the kernel is mid-way through its rows).
        if (p.stage === 'running window') setTimeout(() => ctrl.abort(), 5);
      }),
      signal: ctrl.signal,
    };
    const run = runExperiment('attention', { ...base, n: 1024, d: 64, method: 'window', sweep: true }, ctx);
    await expect(run).rejects.toThrow(/cancelled/);
    // The window kernel (thousands of rows) yields and checks the signal between chunks of rows: nothing
    // after it ran — not the map, the sweep or the spectrum.
    expect(stages.at(-1)).toBe('running window');
  });

  it('spec rules name the field to fix', () => {
    const issues = (v: Record<string, unknown>) =>
      attentionSpec.rules({ ...attentionSpec.defaults, ...v } as never).map((i) => i.field);
    expect(issues({ window: 2000, n: 512 })).toEqual(['window']);
    expect(issues({ block: 48 })).toEqual(['block']);
    expect(issues({ method: 'loglinear', causal: false })).toEqual(['causal']);
    expect(issues({ hipK: 4096, hipBk: 2 })).toEqual(['hipK']);
    // Missing Q, K, V files are the data rule's (the link data=file itself is valid: the page asks for them).
    expect(issues({ data: 'file' })).toEqual([]);
    expect(attentionSpec.data?.check({ ...attentionSpec.defaults, data: 'file' }, new Set(['q']))).toEqual([
      {
        field: 'k',
        missing: true,
        message: 'your own Q, K, V (data=file) need all three .npy files; missing: k, v',
      },
    ]);
    expect(issues({ zoomQ: 512, zoomK: 511 })).toEqual(['zoomQ']);
    expect(issues({ n: 300, zoomQ: 299, zoomK: 300 })).toEqual(['zoomK']);
    expect(issues({ zoomQ: 0, zoomK: 0 })).toEqual([]);
    // No zoom at N ≤ 64 (the fields are hidden) and own data's N is known only at run time: the runner clamps.
    expect(issues({ n: 64, zoomQ: 100 })).toEqual([]);
    expect(issues({})).toEqual([]);
  });

  it('refuses sizes too slow for the CPU backend with a message naming N', async () => {
    await expect(
      runExperiment('attention', { ...base, n: 16384, d: 256, heads: 16 }, context(null)),
    ).rejects.toThrow(/CPU backend/);
  });
});
