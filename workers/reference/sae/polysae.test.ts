/**
 * PolySAE's general form (separate U⁽¹⁾, U⁽²⁾, U⁽³⁾, independent ranks, AuxK) on the float64 reference:
 * central finite differences of the whole loss against the hand-written gradient of every parameter entry,
 * the decoder written out term by term, and the retraction's mutually orthogonal subspaces.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../io/rng';
import { saeSpec } from '../../spec/sae';
import { backward } from './backward';
import { forward } from './forward';
import {
  cloneParams,
  defaultConfig,
  initParams,
  type Params,
  paramLayout,
  polyColumns,
  type SaeConfig,
} from './model';
import { CpuSae } from './train';

// Awkward sizes: R₁ > R₂ > R₃, nothing a power of two.
const B = 5;
const cfg = (over: Partial<SaeConfig> = {}): SaeConfig =>
  defaultConfig({
    model: 'polysae',
    d: 7,
    m: 13,
    k: 3,
    auxK: 4,
    auxCoeff: 0.3,
    rank1: 5,
    rank2: 3,
    rank3: 2,
    variance: 1.3,
    ...over,
  });

function setup(c: SaeConfig, seed: number): { p: Params; X: Float64Array } {
  const p = initParams(c, seed);
  const rng = new Rng(seed, 9);
  for (const [name, a] of Object.entries(p)) {
    const s = name === 'lambda' ? 0.2 : name.startsWith('U') ? 0.15 : 0.3;
    for (let i = 0; i < a.length; i++) a[i] += s * rng.normal();
  }
  const X = new Float64Array(B * c.d);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal() + 0.3;
  return { p, X };
}

describe('PolySAE general form, CPU reference', () => {
  it('has its own projection per order with independent ranks', () => {
    const c = cfg();
    const shapes = Object.fromEntries(paramLayout(c).map((q) => [q.name, q.shape]));
    expect(shapes).toMatchObject({
      U: [13, 5],
      U2: [13, 3],
      U3: [13, 2],
      C1: [7, 5],
      C2: [7, 3],
      C3: [7, 2],
    });
    const shared = paramLayout({ ...c, polyShared: true }).map((q) => q.name);
    expect(shared).not.toContain('U2');
  });

  it('decodes as b + a₁C₁ᵀ + λ₂(a₁⊙a₂)C₂ᵀ + λ₃(a₁⊙a₂⊙a₃)C₃ᵀ (written out per latent pair and triple)', () => {
    const c = cfg();
    const { p, X } = setup(c, 4);
    const f = forward(c, p, X, B);
    const { d, m, rank1: R1, rank2: R2, rank3: R3 } = c;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < d; j++) {
        // Expand the products over latents: Σ_i Σ_i' z_i z_i' U_ir U2_i'r (pairs and self-terms alike).
        let want = p.b_dec[j];
        for (let i = 0; i < m; i++) {
          const zi = f.z[b * m + i];
          for (let r = 0; r < R1; r++) want += zi * p.U[i * R1 + r] * p.C1[j * R1 + r];
          for (let i2 = 0; i2 < m; i2++) {
            const zz = zi * f.z[b * m + i2];
            for (let r = 0; r < R2; r++)
              want += p.lambda[0] * zz * p.U[i * R1 + r] * p.U2[i2 * R2 + r] * p.C2[j * R2 + r];
            for (let i3 = 0; i3 < m; i3++) {
              const zzz = zz * f.z[b * m + i3];
              if (zzz === 0) continue;
              for (let r = 0; r < R3; r++)
                want +=
                  p.lambda[1] *
                  zzz *
                  p.U[i * R1 + r] *
                  p.U2[i2 * R2 + r] *
                  p.U3[i3 * R3 + r] *
                  p.C3[j * R3 + r];
            }
          }
        }
        expect(f.xhat[b * d + j]).toBeCloseTo(want, 10);
      }
    }
  });

  for (const withAux of [false, true]) {
    it(`finite differences match the gradient of every parameter entry${withAux ? ' (AuxK on: dead latents)' : ''}`, () => {
      const c = cfg();
      const { p, X } = setup(c, withAux ? 11 : 5);
      const dead = new Uint8Array(c.m);
      if (withAux) for (let i = 0; i < c.m; i += 2) dead[i] = 1;
      const f0 = forward(c, p, X, B, { dead });
      const g = backward(c, p, X, f0);
      // Tolerance 1e-4 relative with a floor of 1e-3: h = 1e-6 on a loss below 1000 leaves at most
      // 1000·2.2e-16/2e-6 ≈ 1e-7 of rounding in fd (truncation h²·L''' is far smaller), 1e-4 of the floor.
      expect(f0.loss.total).toBeLessThan(1000);
      if (withAux) expect(f0.loss.aux).toBeGreaterThan(0);
      else expect(f0.aux).toBeUndefined();
      // AuxK's target e is a stop-gradient: hold it fixed while perturbing.
      const loss = (q: Params) => forward(c, q, X, B, { dead, auxTarget: f0.aux?.target }).loss.total;
      const h = 1e-6;
      let checked = 0;
      for (const { name } of paramLayout(c)) {
        let nonzero = 0;
        for (let i = 0; i < p[name].length; i++) {
          const q = cloneParams(p);
          q[name][i] += h;
          const up = loss(q);
          q[name][i] -= 2 * h;
          const fd = (up - loss(q)) / (2 * h);
          const err = Math.abs(fd - g[name][i]) / Math.max(Math.abs(fd), Math.abs(g[name][i]), 1e-3);
          if (err > 1e-4) throw new Error(`∂L/∂${name}[${i}] = ${g[name][i]}, finite differences ${fd}`);
          if (g[name][i] !== 0) nonzero++;
          checked++;
        }
        // Every parameter takes part (a zero gradient everywhere would make the check empty).
        expect(nonzero, name).toBeGreaterThan(0);
      }
      expect(checked).toBe(paramLayout(c).reduce((s, q) => s + q.shape.reduce((a, b) => a * b, 1), 0));
    });
  }

  it('a training step keeps U⁽¹⁾, U⁽²⁾, U⁽³⁾ orthonormal and mutually orthogonal', () => {
    const c = cfg({ lr: 0.05, steps: 3, deadSamples: 1 });
    const { p, X } = setup(c, 8);
    const sae = new CpuSae(c, p);
    for (let s = 0; s < 3; s++) sae.trainStep(X, B);
    const cols = polyColumns(c);
    const col = (n: number) => {
      const [name, w, r] = cols[n];
      return Array.from({ length: c.m }, (_, i) => sae.p[name][i * w + r]);
    };
    for (let a = 0; a < cols.length; a++) {
      for (let b = 0; b <= a; b++) {
        const ca = col(a);
        const cb = col(b);
        const dot = ca.reduce((s, x, i) => s + x * cb[i], 0);
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
  });

  it('R₁ + R₂ + R₃ columns in the retraction order (first R₃ of each, then U⁽²⁾ then U⁽¹⁾)', () => {
    expect(polyColumns({ rank1: 4, rank2: 3, rank3: 1 }).map(([n, , r]) => `${n}:${r}`)).toEqual([
      'U:0',
      'U2:0',
      'U3:0',
      'U2:1',
      'U2:2',
      'U:1',
      'U:2',
      'U:3',
    ]);
  });
});

describe('PolySAE spec fields', () => {
  const rulesOf = (over: Record<string, unknown>) =>
    saeSpec.rules({ ...saeSpec.defaults, model: 'polysae', ...over } as typeof saeSpec.defaults);
  it('defaults to the general form; the shared form names rank3 instead of ignoring it', () => {
    expect(saeSpec.defaults.polyShared).toBe(false);
    expect(rulesOf({})).toEqual([]);
    const shared = rulesOf({ polyShared: true, rank3: 2 });
    expect(shared.map((i) => i.field)).toEqual(['rank3']);
    expect(shared[0].message).toMatch(/general form only/);
    expect(rulesOf({ polyShared: true })).toEqual([]);
  });
  it('checks R₃ ≤ R₂, R₁ + R₂ + R₃ ≤ M, and that the GPU decoder choice does not apply', () => {
    expect(rulesOf({ rank: 8, rank2: 4, rank3: 5 }).map((i) => i.field)).toContain('rank3');
    expect(rulesOf({ rank: 20, rank2: 8, rank3: 8, latents: 32 }).map((i) => i.field)).toContain('rank');
    expect(rulesOf({ decoder: 'sparse' }).map((i) => i.field)).toEqual(['decoder']);
    expect(rulesOf({ decoder: 'sparse', polyShared: true })).toEqual([]);
  });
});
