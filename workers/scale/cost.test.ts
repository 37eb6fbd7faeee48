import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crossoverN } from '../../bench/crossover';
import { runExperiment } from '../experiments/runner';
import type { RunContext } from '../experiments/types';
import { blockPairs } from '../reference/attention/blocksparse';
import { windowCount } from '../reference/attention/window';
import { defaultConfig, paramLayout } from '../reference/sae/model';
import { attentionSpec } from '../spec/attention';
import {
  type AttnMethodParams,
  blockSparseCrossover,
  blockSparsePairCount,
  denseAttentionCost,
  estimateSeconds,
  iterativeCrossover,
  leastSquaresCost,
  linearCrossover,
  methodAttentionCost,
  saeDecoderDense,
  saeDecoderSparse,
  saeDenseStep,
  saeParams,
  saeSparseCrossover,
  saeSparseStep,
  slaPairCount,
  solverCost,
  windowPairCount,
} from './cost';

const P: AttnMethodParams = {
  method: 'dense',
  window: 64,
  sinks: 4,
  block: 32,
  selection: 'topk',
  rho: 0.2,
  hipK: 64,
  hipBk: 2,
  featureMap: 'elu1',
  favorFeatures: 0,
  chunk: 64,
  kh: 5,
  kl: 10,
};

/** Visible pairs by brute force over the definition (j ≤ i when causal). */
function brutePairs(n: number, causal: boolean, visible: (i: number, j: number) => boolean): number {
  let c = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((!causal || j <= i) && visible(i, j)) c++;
  return c;
}

describe('scale view: attention counts against independent formulas', () => {
  it('dense: 4·H·d per visible pair, memory Q, K, V, O and the LSE', () => {
    for (const [n, causal] of [
      [1, true],
      [37, true],
      [37, false],
      [131072, true],
    ] as const) {
      const c = denseAttentionCost({ heads: 3, n, d: 64, causal });
      const pairs = n <= 100 ? brutePairs(n, causal, () => true) : (n * (n + 1)) / 2;
      expect(c.flops).toBe(4 * 3 * pairs * 64);
      expect(c.bytes).toBe(4 * (3 * n * 64 * 4 + 3 * n));
    }
  });

  it('window + sinks: the closed form equals brute force and the runner’s per-row count', () => {
    for (const causal of [true, false]) {
      for (const [n, w, s] of [
        [50, 7, 3],
        [50, 60, 3],
        [50, 1, 0],
        [33, 8, 40],
        [64, 16, 4],
      ]) {
        const h = Math.floor(w / 2);
        // The visibility rule: the band, and every sink (non-causal: on either side of the band).
        const brute = brutePairs(n, causal, (i, j) =>
          causal ? i - j < w || j < s : Math.abs(i - j) <= h || j < s,
        );
        let runner = 0;
        for (let i = 0; i < n; i++) runner += windowCount({ n, d: 1, causal, window: w, sinks: s }, i);
        expect(windowPairCount(n, causal, w, s)).toBe(brute);
        expect(windowPairCount(n, causal, w, s)).toBe(runner);
      }
    }
  });

  it('block-sparse top-k: the top ⌈ρ·visible⌉ blocks besides the diagonal and sink, counted by the lab’s blockPairs', () => {
    for (const causal of [true, false]) {
      for (const [n, b, rho] of [
        [256, 32, 0.2],
        [320, 64, 0.5],
        [1024, 32, 0.1],
      ]) {
        const nb = Math.ceil(n / b);
        // Lists where the top-k are the lowest blocks other than 0 and I (so the forced ones are extra).
        const lists = Array.from({ length: nb }, (_, I) => {
          const visible = causal ? I + 1 : nb;
          const k = Math.max(1, Math.min(visible, Math.ceil(rho * visible - 1e-9)));
          const others = Array.from({ length: visible }, (_, J) => J).filter((J) => J !== 0 && J !== I);
          const kept = new Set([0, I, ...others.slice(0, I === 0 ? k - 1 : k)]);
          return Int32Array.from([...kept].sort((x, y) => x - y));
        });
        const want = blockPairs(lists, b, n, causal);
        const got = blockSparsePairCount(n, causal, b, rho);
        expect(got.pairs).toBe(want);
        expect(got.keptBlocks).toBe(lists.reduce((a, l) => a + l.length, 0));
      }
    }
  });

  it('SLA: critical blocks per query block (diagonal first when causal), counted by blockPairs', () => {
    for (const causal of [true, false]) {
      for (const [n, b, kh] of [
        [512, 64, 5],
        [512, 32, 30],
        [2048, 64, 10],
      ]) {
        const nb = n / b;
        const lists = Array.from({ length: nb }, (_, I) => {
          const visible = causal ? I + 1 : nb;
          const crit = Math.min(visible, Math.max(1, Math.ceil((kh * visible) / 100 - 1e-9)));
          const order = causal
            ? [I, ...Array.from({ length: I }, (_, J) => J)]
            : Array.from({ length: nb }, (_, J) => J);
          return Int32Array.from(order.slice(0, crit).sort((x, y) => x - y));
        });
        expect(slaPairCount(n, causal, b, kh)).toBe(blockPairs(lists, b, n, causal));
      }
    }
  });

  it('linear: 4NFd (+ 2NC(F+d) causal); the crossover with dense (first N strictly cheaper) is 2F + C(F+d)/d causal, F + 1 non-causal', () => {
    const s = { heads: 2, n: 4096, d: 64, causal: true };
    const lin = methodAttentionCost(s, { ...P, method: 'linear' });
    expect(lin.flops).toBe(2 * (4 * 4096 * 64 * 64 + 2 * 4096 * 64 * 128));
    expect(lin.bytes).toBe(4 * (4 * 2 * 4096 * 64 + 2 * (4096 / 64) * 64 * 65));
    expect(linearCrossover(64, true, P)).toBe(2 * 64 + (64 * 128) / 64);
    expect(linearCrossover(64, false, P)).toBe(65);
    expect(linearCrossover(64, true, { ...P, featureMap: 'cosformer' })).toBe(2 * 128 + (64 * 192) / 64);
  });

  it('the runner counts the same FLOPs at the run’s size (exact methods)', async () => {
    const ctx: RunContext = {
      backend: 'cpu',
      gpu: null,
      data: {},
      dataset: () => Promise.reject(new Error('none')),
      signal: new AbortController().signal,
      progress: () => {},
    };
    for (const method of ['dense', 'window', 'linear', 'loglinear', 'sla'] as const) {
      const values = { ...attentionSpec.defaults, method, n: 256, d: 16, heads: 2, sweep: false, kh: 20 };
      const r = await runExperiment('attention', values, ctx);
      const s = { heads: 2, n: 256, d: 16, causal: true };
      const model = methodAttentionCost(s, { ...P, ...values, method } as AttnMethodParams);
      expect(model.flops / denseAttentionCost(s).flops, method).toBeCloseTo(r.metrics.flopFraction, 12);
    }
    // LLSA's model is an upper bound of what the runner counts (non-causal, as LLSA is).
    const values = {
      ...attentionSpec.defaults,
      method: 'llsa',
      causal: false,
      n: 256,
      d: 16,
      heads: 2,
      sweep: false,
    };
    const r = await runExperiment('attention', values, ctx);
    const s = { heads: 2, n: 256, d: 16, causal: false };
    const model = methodAttentionCost(s, { ...P, ...values } as AttnMethodParams);
    expect(model.flops / denseAttentionCost(s).flops).toBeGreaterThanOrEqual(r.metrics.flopFraction);
    expect(model.flops / denseAttentionCost(s).flops).toBeLessThan(1);
  });

  it('block-sparse stops paying for its index overhead below some N, and pays beyond it', () => {
    const n = blockSparseCrossover(64, true, { ...P, method: 'blocksparse', rho: 0.1 });
    expect(n).not.toBeNull();
    const at = (m: number) => {
      const s = { heads: 1, n: m, d: 64, causal: true };
      return (
        methodAttentionCost(s, { ...P, method: 'blocksparse', rho: 0.1 }).flops / denseAttentionCost(s).flops
      );
    };
    expect(at(n as number)).toBeLessThan(1);
    expect(at((n as number) - 1)).toBeGreaterThanOrEqual(1);
    expect(at(131072)).toBeLessThan(0.2);
  });

  it('the FLOP crossover of linear vs dense attention is within 2× of the one measured on this adapter', () => {
    const bench = JSON.parse(
      readFileSync(new URL('../../test/fixtures/scale/linear-crossover.json', import.meta.url), 'utf8'),
    );
    // The recorded crossover follows from the recorded times.
    expect(Math.round(crossoverN(bench.sizes, bench.denseMs, bench.linearMs) as number)).toBe(
      bench.crossoverN,
    );
    const model = linearCrossover(bench.d, true, { ...P, chunk: bench.chunk, featureMap: bench.featureMap });
    const ratio = (model as number) / bench.crossoverN;
    expect(ratio, `model ${model}, measured ${bench.crossoverN} on ${bench.adapter}`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('scale view: SAE and regression counts', () => {
  it('SAE parameters match the lab’s layout; dense and sparse steps match per-operation sums', () => {
    const s = { d: 768, m: 1 << 20, k: 32, batch: 4096 };
    const layout = paramLayout(defaultConfig({ model: 'topk', d: s.d, m: s.m }));
    expect(saeParams(s)).toBe(layout.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0));
    const P = 2 * s.m * s.d + s.m + s.d;
    const B = s.batch;
    const enc = 2 * B * s.d * s.m;
    expect(saeDenseStep(s).flops).toBe(enc + 2 * B * s.m * s.d + 3 * (2 * B * s.m * s.d) + 12 * P);
    expect(saeSparseStep(s).flops).toBe(enc + B * s.m + 2 * B * s.k * s.d + 3 * (2 * B * s.k * s.d) + 12 * P);
    expect(saeDenseStep(s).bytes).toBe(4 * (4 * P + B * s.d + 2 * B * s.m));
    expect(saeSparseStep(s).bytes).toBe(4 * (4 * P + B * s.d + B * s.m + 2 * B * s.k));
  });

  it('the sparse decoder pays from M where its gathered bytes fall below the dense GEMM’s', () => {
    const gpu = { name: 'x', peak: 1e15, bandwidth: 1e12 }; // compute-rich: traffic decides
    const s = { d: 64, k: 8, batch: 256 };
    const m = saeSparseCrossover(s, gpu, 1) as number;
    const bytes = (x: number, f: typeof saeDecoderDense) => f({ ...s, m: x }).bytes;
    // Dense: 4(Md + BM + Bd); sparse: 4(Bkd + 2Bk + Bd): equal at M = (Bkd + 2Bk)/(d + B).
    const want = Math.floor((s.batch * s.k * s.d + 2 * s.batch * s.k) / (s.d + s.batch)) + 1;
    expect(m).toBe(want);
    expect(bytes(m, saeDecoderSparse)).toBeLessThan(bytes(m, saeDecoderDense));
    expect(bytes(m - 1, saeDecoderSparse)).toBeGreaterThanOrEqual(bytes(m - 1, saeDecoderDense));
  });

  it('regression: the normal equations against iterations of 4nd, and where they cross', () => {
    const s = { n: 1e6, d: 1e4 };
    expect(leastSquaresCost(s).flops).toBe(2e6 * 1e8 + 2e10 + 1e12 / 3);
    expect(solverCost(s, 'lasso', { iterations: 50, k: 0, alphas: 1 }).flops).toBe(50 * 4e10);
    const t = iterativeCrossover(s);
    expect(solverCost(s, 'fista', { iterations: t, k: 0, alphas: 1 }).flops).toBeGreaterThanOrEqual(
      leastSquaresCost(s).flops,
    );
    expect(solverCost(s, 'fista', { iterations: t - 1, k: 0, alphas: 1 }).flops).toBeLessThan(
      leastSquaresCost(s).flops,
    );
    expect(solverCost({ n: 100, d: 50 }, 'omp', { iterations: 0, k: 3, alphas: 1 }).flops).toBe(
      3 * 2 * 100 * 50 + 2 * 100 * 6,
    );
  });

  it('the roofline estimate is the larger of compute and traffic time', () => {
    const gpu = { name: 'x', peak: 1e12, bandwidth: 1e11 };
    expect(estimateSeconds({ flops: 1e12, bytes: 1e9 }, gpu, 0.5)).toBe(2);
    expect(estimateSeconds({ flops: 1e9, bytes: 1e12 }, gpu, 0.5)).toBe(10);
  });
});
