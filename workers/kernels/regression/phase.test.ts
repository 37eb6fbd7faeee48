/** The batched phase-diagram kernels against the CPU loop on the same hash-generated problems. */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { alphaMax } from '../../reference/regression/enet-cd';
import { fista, lipschitz } from '../../reference/regression/fista';
import { maxAbs } from '../../reference/regression/linalg';
import { omp } from '../../reference/regression/omp';
import { phaseProblem, problemKey } from '../../reference/regression/phase';
import { phaseBatchGpu } from './phase';

const d = 27;
const shapes: Array<[number, number]> = [
  [5, 1],
  [12, 3],
  [20, 8],
  [23, 12],
  [9, 2],
  [17, 5],
  [26, 4],
];
const keys = Uint32Array.from(shapes, (_, p) => problemKey(99, p));
const ns = Uint32Array.from(shapes, ([n]) => n);
const ks = Uint32Array.from(shapes, ([, k]) => k);

describe('batched phase-diagram solver on the GPU', () => {
  it('generates the same problems as the TypeScript twin (±1 and Gaussian values, noise)', async () => {
    const gpu = await testGpu();
    for (const [gaussianValues, sigma] of [
      [false, 0],
      [true, 0.1],
    ] as const) {
      const r = await phaseBatchGpu(
        gpu,
        { keys, ns, ks, d, gaussianValues, sigma },
        { kernel: 'omp', tol: 0, maxIter: 0, ratio: 0 },
        true,
      );
      shapes.forEach(([n, k], p) => {
        const want = phaseProblem(keys[p], n, d, k, gaussianValues, sigma);
        const X = r.X!.subarray(r.xOffsets![p], r.xOffsets![p] + n * d);
        const y = r.y!.subarray(r.yOffsets![p], r.yOffsets![p] + n);
        // float32 log/cos on the GPU: absolute differences of ~1e-4 where −2 ln u is tiny (u near 1).
        expect(maxAbs(Array.from(X, (v, i) => v - want.X[i]))).toBeLessThan(1e-3);
        expect(maxAbs(Array.from(y, (v, i) => v - want.y[i]))).toBeLessThan(2e-3);
        const w = r.wTrue.subarray(p * d, (p + 1) * d);
        expect(Array.from(w, (v) => v !== 0)).toEqual(Array.from(want.wTrue, (v) => v !== 0));
        expect(maxAbs(Array.from(w, (v, j) => v - want.wTrue[j]))).toBeLessThan(
          gaussianValues ? 1e-3 : 1e-12,
        );
      });
    }
  });

  it('OMP: same atoms and coefficients as the CPU loop', async () => {
    const gpu = await testGpu();
    const r = await phaseBatchGpu(
      gpu,
      { keys, ns, ks, d, gaussianValues: false, sigma: 0.05 },
      { kernel: 'omp', tol: 0, maxIter: 0, ratio: 0 },
    );
    shapes.forEach(([n, k], p) => {
      const prob = phaseProblem(keys[p], n, d, k, false, 0.05);
      const want = omp(prob.X, prob.y, n, d, k);
      const got = r.coef.subarray(p * d, (p + 1) * d);
      const supp = (w: ArrayLike<number>) =>
        Array.from(w, (v, j) => (v !== 0 ? j : -1)).filter((j) => j >= 0);
      expect(supp(got)).toEqual(supp(want.coef));
      expect(maxAbs(Array.from(got, (v, j) => v - want.coef[j]))).toBeLessThan(
        1e-3 * Math.max(maxAbs(want.coef), 1),
      );
    });
  });

  it('Lasso by FISTA: the same iterates as the CPU reference after a fixed budget', async () => {
    const gpu = await testGpu();
    const o = { kernel: 'fista' as const, tol: 1e-30, maxIter: 60, ratio: 0.01, every: 10 };
    const r = await phaseBatchGpu(gpu, { keys, ns, ks, d, gaussianValues: false, sigma: 0 }, o);
    shapes.forEach(([n, k], p) => {
      const prob = phaseProblem(keys[p], n, d, k, false, 0);
      const L = lipschitz(prob.X, n, d);
      const alpha = o.ratio * alphaMax(prob.X, prob.y, n, d, 1);
      const want = fista(prob.X, prob.y, n, d, alpha, 1, {
        L,
        tol: o.tol,
        maxIter: o.maxIter,
        checkEvery: o.every,
      });
      const info = r.info!.subarray(p * 4, p * 4 + 4);
      expect(info[0]).toBe(want.iterations);
      expect(Math.abs(info[3] - L) / L).toBeLessThan(1e-3);
      const got = r.coef.subarray(p * d, (p + 1) * d);
      expect(maxAbs(Array.from(got, (v, j) => v - want.w[j]))).toBeLessThan(
        2e-3 * Math.max(maxAbs(want.w), 1e-6),
      );
    });
  });
});
