/** GPU FISTA (one large problem) against the CPU reference that follows the same schedule. */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { syntheticProblem } from '../../data/regression-synthetic';
import { alphaMax } from '../../reference/regression/enet-cd';
import { fista, lipschitz } from '../../reference/regression/fista';
import { maxAbs, spectralNormSq } from '../../reference/regression/linalg';
import { FistaGpu } from './fista';

const design = { design: 'gaussian' as const, rho: 0, normalize: false };
const wOpts = { s: 4, wStar: 'pm1' as const, amp: 1, support: 'random' as const };
const relToMax = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  maxAbs(Array.from(b, (v, i) => a[i] - v)) / Math.max(maxAbs(b), 1e-12);

describe('FISTA on the GPU (SwiftShader: small sizes, few iterations)', () => {
  it('power iteration gives the CPU spectral norm (37×61)', async () => {
    const gpu = await testGpu();
    const p = syntheticProblem(37, 61, design, wOpts, 0.2, 4);
    const g = FistaGpu.create(gpu, Float32Array.from(p.X), Float32Array.from(p.y), 37, 61, 'workgroup');
    try {
      const L = await g.lipschitz(20);
      const want = (1.01 * spectralNormSq(p.X, 37, 61, 20)) / 37;
      expect(Math.abs(L - want) / want).toBeLessThan(1e-4);
    } finally {
      g.destroy();
    }
  });

  for (const [label, l1Ratio, accelerate, n, d, variant] of [
    ['FISTA lasso', 1, true, 53, 29, 'workgroup'],
    ['FISTA lasso', 1, true, 67, 131, 'thread'],
    ['FISTA elastic net', 0.5, true, 29, 53, 'workgroup'],
    ['FISTA elastic net', 0.5, true, 29, 53, 'thread'],
    ['ISTA lasso', 1, false, 31, 17, 'workgroup'],
    ['ISTA lasso', 1, false, 31, 17, 'thread'],
  ] as const) {
    it(`${label}, ${variant} kernels: 25 fixed iterations track the CPU iterates (${n}×${d})`, async () => {
      const gpu = await testGpu();
      const p = syntheticProblem(n, d, design, wOpts, 0.3, 7);
      const alpha = 0.1 * alphaMax(p.X, p.y, n, d, l1Ratio);
      const g = FistaGpu.create(gpu, Float32Array.from(p.X), Float32Array.from(p.y), n, d, variant);
      try {
        const L = lipschitz(p.X, n, d);
        g.setLipschitz(L);
        const opts = { l1Ratio, tol: 1e-30, maxIter: 25, checkEvery: 10, accelerate };
        const got = await g.solve(alpha, opts);
        const want = fista(p.X, p.y, n, d, alpha, l1Ratio, { ...opts, L });
        expect(got.iterations).toBe(25);
        expect(got.restarts).toBe(want.restarts);
        expect(relToMax(got.w, want.w)).toBeLessThan(2e-4);
      } finally {
        g.destroy();
      }
    });
  }

  it('warm starts along a path: each α starts from the previous solution (41×70)', async () => {
    const gpu = await testGpu();
    const n = 41;
    const d = 70;
    const p = syntheticProblem(n, d, design, wOpts, 0.1, 8);
    const aMax = alphaMax(p.X, p.y, n, d, 1);
    const g = FistaGpu.create(gpu, Float32Array.from(p.X), Float32Array.from(p.y), n, d, 'auto');
    expect(g.variant).toBe('thread');
    try {
      const L = lipschitz(p.X, n, d);
      g.setLipschitz(L);
      let w0: Float64Array = new Float64Array(d);
      for (const ratio of [0.5, 0.2]) {
        const opts = { l1Ratio: 1, tol: 1e-30, maxIter: 20, checkEvery: 10 };
        const got = await g.solve(ratio * aMax, opts);
        const want = fista(p.X, p.y, n, d, ratio * aMax, 1, { ...opts, L, w0 });
        expect(relToMax(got.w, want.w)).toBeLessThan(5e-4);
        w0 = want.w;
      }
    } finally {
      g.destroy();
    }
  });
});
