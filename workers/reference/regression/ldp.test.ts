/**
 * The LDP estimators, tested for what can be tested: each user's message has the right distribution
 * (truncated part bounded, noise mean 0 and the Gaussian mechanism's variance), and the server's error falls
 * with n at about the stated 1/√n rate on a seeded sweep.
 */
import { describe, expect, it } from 'vitest';
import { randomDesign, syntheticProblem } from '../../data/regression-synthetic';
import { Rng } from '../../io/rng';
import { hardThreshold } from './iht';
import {
  clipValue,
  gaussianSigma,
  ldpNonInteractive,
  ldpSequential,
  niClippedSums,
  niSigmas,
  privatizeNi,
  privatizeSi,
  siClipBound,
} from './ldp';
import { l2Dist } from './linalg';

const design = { design: 'gaussian' as const, rho: 0, normalize: false };

function meanVar(xs: number[]) {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { m, v: xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) };
}

describe('LDP privatisation', () => {
  it('Gaussian mechanism scale σ = Δ·√(2 ln(1.25/δ))/ε', () => {
    expect(gaussianSigma(2, 0.5, 1e-5)).toBeCloseTo((2 * Math.sqrt(2 * Math.log(1.25e5))) / 0.5, 12);
  });

  it('non-interactive message: truncated statistics bounded, noise centred with the mechanism’s variance', () => {
    const s = { tauX: 1.5, tauY: 2, epsilon: 0.8, delta: 1e-5 };
    const x = [0.3, -4, 2.2, 1.1];
    const y = -3.5;
    const d = x.length;
    const { sigmaXX, sigmaXY } = niSigmas(d, s, false);
    // Sensitivities: ‖x̃x̃ᵀ‖_F ≤ dτ² and ‖x̃ỹ‖ ≤ √d·τ_xτ_y, doubled for neighbouring users.
    expect(sigmaXX).toBeCloseTo(gaussianSigma(2 * d * s.tauX ** 2, s.epsilon / 2, s.delta), 9);
    expect(sigmaXY).toBeCloseTo(gaussianSigma(2 * Math.sqrt(d) * s.tauX * s.tauY, s.epsilon / 2, s.delta), 9);
    const rng = new Rng(3);
    const M = 4000;
    const xyNoise: number[] = [];
    const xxNoise: number[] = [];
    for (let r = 0; r < M; r++) {
      const msg = privatizeNi(x, y, s, false, rng);
      for (const v of msg.xt) expect(Math.abs(v)).toBeLessThanOrEqual(s.tauX);
      expect(Math.abs(msg.yt)).toBeLessThanOrEqual(s.tauY);
      xyNoise.push(msg.xy[1] - clipValue(x[1], s.tauX) * clipValue(y, s.tauY));
      xxNoise.push(msg.xx![1] - clipValue(x[0], s.tauX) * clipValue(x[1], s.tauX));
    }
    for (const [noise, sigma] of [
      [xyNoise, sigmaXY],
      [xxNoise, sigmaXX],
    ] as const) {
      const { m, v } = meanVar(noise);
      expect(Math.abs(m)).toBeLessThan((4 * sigma) / Math.sqrt(M));
      expect(Math.abs(v / sigma ** 2 - 1)).toBeLessThan(0.1);
    }
  });

  it('public-x variant: no covariance message, the whole budget on x̃ỹ', () => {
    const s = { tauX: 1, tauY: 1, epsilon: 1, delta: 1e-6 };
    const msg = privatizeNi([0.5, 0.5], 1, s, true, new Rng(1));
    expect(msg.xx).toBeNull();
    expect(niSigmas(2, s, true).sigmaXY).toBeCloseTo(gaussianSigma(2 * Math.SQRT2, 1, 1e-6), 9);
  });

  it('interactive message: gradient clipped to its bound, noise with the mechanism’s variance', () => {
    const s = { tauX: 1, tauY: 1.5, epsilon: 0.5, delta: 1e-5 };
    const d = 5;
    const bound = siClipBound(d, 2, s, 1);
    const theta = [0.7, 0, -0.7, 0, 0];
    const quiet = { ...s, epsilon: Number.POSITIVE_INFINITY };
    const rng = new Rng(9);
    for (let r = 0; r < 200; r++) {
      const x = Array.from({ length: d }, () => 3 * rng.normal());
      const g = privatizeSi(x, 5 * rng.normal(), theta, bound, quiet, rng);
      expect(Math.sqrt(g.reduce((a, v) => a + v * v, 0))).toBeLessThanOrEqual(bound * (1 + 1e-12));
    }
    const x = [2, -1, 0.5, 3, 0];
    const clean = privatizeSi(x, 1, theta, bound, quiet, rng);
    const sigma = gaussianSigma(2 * bound, s.epsilon, s.delta);
    const noise: number[] = [];
    for (let r = 0; r < 3000; r++) noise.push(privatizeSi(x, 1, theta, bound, s, rng)[3] - clean[3]);
    const { m, v } = meanVar(noise);
    expect(Math.abs(m)).toBeLessThan((4 * sigma) / Math.sqrt(3000));
    expect(Math.abs(v / sigma ** 2 - 1)).toBeLessThan(0.1);
  });
});

describe('LDP servers: the fast paths compute what the message functions define', () => {
  const s = { tauX: 1.2, tauY: 1.5, epsilon: 0.7, delta: 1e-5 };

  it('LDP-IHT (one round, per-user noise) is H_k′(−η·mean of privatizeSi messages), projected', () => {
    const [n, d, k] = [37, 6, 2];
    const p = syntheticProblem(n, d, design, { s: k, wStar: 'pm1', amp: 1, support: 'random' }, 0.5, 21);
    const R = 1.5;
    const got = ldpSequential(p.X, p.y, n, d, k, s, new Rng(5), {
      radius: R,
      rounds: 1,
      perUser: true,
      eta: 0.5,
    });
    const rng = new Rng(5);
    const bound = siClipBound(d, 2 * k, s, R);
    const sum = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const g = privatizeSi(p.X.subarray(i * d, (i + 1) * d), p.y[i], new Float64Array(d), bound, s, rng);
      for (let j = 0; j < d; j++) sum[j] += g[j];
    }
    const want = hardThreshold(
      sum.map((g) => (-0.5 * g) / n),
      2 * k,
    );
    const nrm = Math.sqrt(want.reduce((a, v) => a + v * v, 0));
    if (nrm > R) for (let j = 0; j < d; j++) want[j] *= R / nrm;
    for (let j = 0; j < d; j++) expect(got.coef[j]).toBeCloseTo(want[j], 10);
  });

  it('non-interactive: precomputed clipped sums give the same estimate as summing inside', () => {
    const [n, d] = [500, 4];
    const p = syntheticProblem(n, d, design, { s: 2, wStar: 'pm1', amp: 1, support: 'random' }, 0.5, 22);
    const a = ldpNonInteractive(p.X, p.y, n, d, 2, s, new Rng(8), { perUser: false });
    const sums = niClippedSums(p.X, p.y, n, d, s.tauX, s.tauY, true);
    const b = ldpNonInteractive(p.X, p.y, n, d, 2, s, new Rng(8), { sums });
    expect(Array.from(b.coef)).toEqual(Array.from(a.coef));
    expect(() => ldpNonInteractive(p.X, p.y, n, d, 2, { ...s, tauX: 2 }, new Rng(8), { sums })).toThrow(
      /other levels/,
    );
  });
});

/** Least-squares slope of log(mean error) against log n. */
function rateOf(run: (n: number, trial: number) => number, ns: number[], trials: number): number {
  const ly = ns.map((n) => {
    let e = 0;
    for (let t = 0; t < trials; t++) e += run(n, t);
    return Math.log(e / trials);
  });
  const lx = ns.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((x, i) => {
    num += (x - mx) * (ly[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

describe('LDP estimators: error falls like 1/√n on a seeded sweep', () => {
  const wOpts = { s: 1, wStar: 'pm1' as const, amp: 1, support: 'random' as const };
  const scales = (sigma: number) => ({
    tauX: 1,
    tauY: Math.sqrt(1 + sigma * sigma),
    epsilon: 1,
    delta: 1e-5,
  });

  it('non-interactive with public unlabeled x’s (√(dk)/(√n·ε))', () => {
    const d = 3;
    const slope = rateOf(
      (n, t) => {
        const p = syntheticProblem(n, d, design, wOpts, 0.1, 500 + t);
        const pub = { X: randomDesign(n, d, design, new Rng(600 + t, 3)), m: n };
        const r = ldpNonInteractive(p.X, p.y, n, d, 1, scales(0.1), new Rng(700 + t), {
          publicX: pub,
          perUser: false,
        });
        return l2Dist(r.coef, p.wTrue);
      },
      [20000, 80000, 320000],
      12,
    );
    expect(slope).toBeGreaterThan(-0.7);
    expect(slope).toBeLessThan(-0.3);
  });

  it('non-interactive, private covariance (d√k/(√n·ε))', () => {
    const d = 2;
    const slope = rateOf(
      (n, t) => {
        const p = syntheticProblem(n, d, design, wOpts, 0.1, 800 + t);
        const r = ldpNonInteractive(p.X, p.y, n, d, 1, scales(0.1), new Rng(900 + t), { perUser: false });
        return l2Dist(r.coef, p.wTrue);
      },
      [62500, 250000, 1000000],
      4,
    );
    expect(slope).toBeGreaterThan(-0.7);
    expect(slope).toBeLessThan(-0.3);
  });

  it('sequentially interactive LDP-IHT (k√d/(√n·ε))', () => {
    const d = 2;
    const slope = rateOf(
      (n, t) => {
        const p = syntheticProblem(n, d, design, wOpts, 0.1, 1000 + t);
        const r = ldpSequential(p.X, p.y, n, d, 1, scales(0.1), new Rng(1100 + t), {
          radius: 2,
          perUser: false,
        });
        return l2Dist(r.coef, p.wTrue);
      },
      [62500, 250000, 1000000],
      4,
    );
    expect(slope).toBeGreaterThan(-0.7);
    expect(slope).toBeLessThan(-0.3);
  });
});
