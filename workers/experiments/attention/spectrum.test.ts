import { describe, expect, it } from 'vitest';
import { attentionInputs } from '../../data/attention-inputs';
import { Rng } from '../../io/rng';
import { attentionSpectrum, singularValues } from './spectrum';

describe('attention spectrum', () => {
  it('singular values of a product U·diag(s)·Vᵀ with orthogonal factors are s', async () => {
    const n = 40;
    const rng = new Rng(3);
    const orth = () => {
      // Gram–Schmidt on a random matrix: columns orthonormal.
      const m = Float64Array.from({ length: n * n }, () => rng.normal());
      for (let c = 0; c < n; c++) {
        for (let p = 0; p < c; p++) {
          let dot = 0;
          for (let r = 0; r < n; r++) dot += m[r * n + c] * m[r * n + p];
          for (let r = 0; r < n; r++) m[r * n + c] -= dot * m[r * n + p];
        }
        let nrm = 0;
        for (let r = 0; r < n; r++) nrm += m[r * n + c] ** 2;
        for (let r = 0; r < n; r++) m[r * n + c] /= Math.sqrt(nrm);
      }
      return m;
    };
    const U = orth();
    const V = orth();
    const s = Array.from({ length: n }, (_, i) => 10 * 0.8 ** i);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let t = 0; t < n; t++) a[i * n + j] += U[i * n + t] * s[t] * V[j * n + t];
    const got = await singularValues(a, n);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - s[i])).toBeLessThan(1e-6 * s[0]);
  });

  it('splits P into a top part and a remainder that add up to the whole (Frobenius norms)', async () => {
    const n = 96;
    const x = attentionInputs('sla_structure', 1, n, 32, 2, true);
    const sp = await attentionSpectrum(x.q, x.k, n, 32, true, 0.05, 0, new AbortController().signal);
    const f2 = (s: number[]) => s.reduce((a, v) => a + v * v, 0);
    // T and R have disjoint support: ‖P‖² = ‖T‖² + ‖R‖².
    expect(Math.abs(f2(sp.full) - f2(sp.top) - f2(sp.rest))).toBeLessThan(1e-3 * f2(sp.full));
    expect(sp.rank99.rest).toBeLessThan(sp.rank99.top);
  });
});
