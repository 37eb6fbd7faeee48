import { describe, expect, it } from 'vitest';
import { attentionInputs } from '../../data/attention-inputs';
import { Rng } from '../../io/rng';
import { denseAttentionRef } from './dense';
import { slaRef } from './sla';
import {
  applyProjection,
  calibrationRows,
  fitProjection,
  identityProjection,
  relL2Rows,
  zeroProjection,
} from './sla-projection';

describe('SLA fitted projection (ridge on calibration rows, judged on held-out rows)', () => {
  it('calibration rows: a seeded quarter', () => {
    const a = calibrationRows(1000, 3);
    expect(a.reduce((s, x) => s + x, 0)).toBe(250);
    expect(Array.from(calibrationRows(1000, 3))).toEqual(Array.from(a));
    expect(Array.from(calibrationRows(1000, 4))).not.toEqual(Array.from(a));
  });

  it('recovers a remainder that is exactly linear (rank ≤ d+1) in the linear branch: held-out error → ~0', () => {
    const n = 400;
    const d = 8;
    const rng = new Rng(5, 1);
    const os = Float64Array.from({ length: n * d }, () => rng.normal());
    const ol = Float64Array.from({ length: n * d }, () => rng.normal());
    const wStar = Float64Array.from({ length: (d + 1) * d }, () => 0.5 * rng.normal());
    const dense = applyProjection(os, ol, wStar, n, d);
    const cal = calibrationRows(n, 1);
    const ho = (i: number) => !cal[i];
    const fit = fitProjection([{ os, ol, dense }], n, d, cal);
    const zeroErr = relL2Rows(os, dense, n, d, ho);
    const fitErr = relL2Rows(applyProjection(os, ol, fit.w, n, d), dense, n, d, ho);
    expect(zeroErr).toBeGreaterThan(0.3);
    expect(fitErr).toBeLessThan(0.01 * zeroErr);
  });

  it('falls back to W = 0 when the linear branch carries no signal about the residual', () => {
    const n = 400;
    const d = 8;
    const rng = new Rng(6, 1);
    const os = new Float64Array(n * d);
    const ol = Float64Array.from({ length: n * d }, () => rng.normal());
    const dense = Float64Array.from({ length: n * d }, () => rng.normal());
    const cal = calibrationRows(n, 2);
    const ho = (i: number) => !cal[i];
    const fit = fitProjection([{ os, ol, dense }], n, d, cal);
    expect(relL2Rows(applyProjection(os, ol, fit.w, n, d), dense, n, d, ho)).toBeLessThanOrEqual(
      relL2Rows(os, dense, n, d, ho) * 1.02,
    );
  });

  it('on realistic heads at ~95% block sparsity: fitted never raises the held-out error over Proj = 0; identity is far worse', () => {
    const n = 1024;
    const d = 32;
    let reduced = 0;
    let cases = 0;
    for (const [kind, causal] of [
      ['video3d', false],
      ['block_clusters', true],
      ['a_shape', true],
    ] as const) {
      for (const seed of [0, 1]) {
        const x = attentionInputs(kind, 1, n, d, seed, causal);
        const dn = denseAttentionRef(x.q, x.k, x.v, { n, d, causal });
        const r = slaRef(x.q, x.k, x.v, {
          n,
          d,
          causal,
          block: 32,
          kh: 5,
          kl: 0,
          featureMap: 'softmax',
          favorFeatures: 0,
          seed,
          combine: 'sum',
        });
        const cal = calibrationRows(n, seed);
        const ho = (i: number) => !cal[i];
        const err = (w: ArrayLike<number>) =>
          relL2Rows(applyProjection(r.os, r.ol, w, n, d), dn.out, n, d, ho);
        const zero = err(zeroProjection(d));
        const fitted = err(fitProjection([{ os: r.os, ol: r.ol, dense: dn.out }], n, d, cal).w);
        expect(fitted).toBeLessThanOrEqual(zero);
        expect(err(identityProjection(d))).toBeGreaterThan(zero);
        cases++;
        if (fitted < 0.97 * zero) reduced++;
      }
    }
    // The linear branch helps on most of these heads (A7 reports ~12% on a 3D video head).
    expect(reduced).toBeGreaterThanOrEqual(cases / 2);
  });

  it('the reference applies the projection: Proj = 0 equals the sparse part, Proj = I equals the plain sum', () => {
    const x = attentionInputs('rope_local', 1, 100, 16, 1, true);
    const o = {
      n: 100,
      d: 16,
      causal: true,
      block: 32,
      kh: 30,
      kl: 0,
      featureMap: 'elu1' as const,
      favorFeatures: 0,
      seed: 0,
      combine: 'sum' as const,
    };
    const plain = slaRef(x.q, x.k, x.v, o);
    const zero = slaRef(x.q, x.k, x.v, { ...o, proj: zeroProjection(16) });
    const eye = slaRef(x.q, x.k, x.v, { ...o, proj: identityProjection(16) });
    expect(Array.from(zero.out)).toEqual(Array.from(plain.os));
    for (let t = 0; t < plain.out.length; t++) expect(eye.out[t]).toBeCloseTo(plain.out[t], 12);
  });
});
