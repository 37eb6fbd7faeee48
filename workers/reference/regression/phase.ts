/**
 * Phase-diagram problems from a counter-based hash, so the GPU can build them itself and the CPU
 * reference rebuilds the very same ones: key = per-problem u32, every random number is
 * pcg(pcg(counter) ^ key). Counters: [0, n·d) the design (two draws per normal, Box–Muller),
 * SUPPORT_BASE + s the partial Fisher–Yates swap of step s, VALUE_BASE + 2s(+1) the value of atom s,
 * NOISE_BASE + 2i(+1) the noise of y_i. A ~ N(0, 1/n); shaders/regression/phase-generate.wgsl is the
 * GPU twin of `phaseProblem` (the same integer hashing; logs and cosines in float32 there).
 */

export const SUPPORT_BASE = 0x40000000;
export const VALUE_BASE = 0x50000000;
export const NOISE_BASE = 0x60000000;

/** PCG-RXS-M-XS 32-bit hash (Jarzynski & Olano 2020). */
export function pcg(x: number): number {
  const state = (Math.imul(x >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

export const rand = (key: number, counter: number) => pcg((pcg(counter) ^ key) >>> 0);

/** Uniform in (0, 1), exact in float32: (2m + 1)·2⁻²⁴ with m the top 23 bits. */
export const uniform01 = (u: number) => ((u >>> 9) * 2 + 1) / 16777216;

export function hashNormal(key: number, counter: number): number {
  const u1 = uniform01(rand(key, 2 * counter));
  const u2 = uniform01(rand(key, 2 * counter + 1));
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function problemKey(seed: number, index: number): number {
  return pcg((pcg(seed >>> 0) ^ pcg((index + 0x9e3779b9) >>> 0)) >>> 0);
}

export interface PhaseCell {
  delta: number;
  rho: number;
  n: number;
  k: number;
}

/** The δ × ρ grid (row r = ρ index, column c = δ index), each from 0.05 to 0.95. */
export function phaseGrid(
  cells: number,
  d: number,
): { deltas: number[]; rhos: number[]; cell: (r: number, c: number) => PhaseCell } {
  const axis = Array.from({ length: cells }, (_, i) => 0.05 + (0.9 * i) / Math.max(cells - 1, 1));
  return {
    deltas: axis,
    rhos: axis,
    cell: (r, c) => {
      const n = Math.max(2, Math.round(axis[c] * d));
      const k = Math.max(1, Math.min(n, Math.round(axis[r] * n)));
      return { delta: axis[c], rho: axis[r], n, k };
    },
  };
}

export interface PhaseProblem {
  X: Float64Array;
  y: Float64Array;
  wTrue: Float64Array;
  support: number[];
}

export function phaseProblem(
  key: number,
  n: number,
  d: number,
  k: number,
  gaussianValues: boolean,
  sigma: number,
): PhaseProblem {
  const scale = 1 / Math.sqrt(n);
  const X = new Float64Array(n * d);
  for (let e = 0; e < n * d; e++) X[e] = Math.fround(hashNormal(key, e) * scale);
  const idx = Array.from({ length: d }, (_, i) => i);
  for (let s = 0; s < k; s++) {
    const j = s + (rand(key, SUPPORT_BASE + s) % (d - s));
    [idx[s], idx[j]] = [idx[j], idx[s]];
  }
  const support = idx.slice(0, k);
  const wTrue = new Float64Array(d);
  support.forEach((j, s) => {
    wTrue[j] = gaussianValues
      ? Math.fround(hashNormal(key, VALUE_BASE / 2 + s))
      : rand(key, VALUE_BASE + 2 * s) & 1
        ? 1
        : -1;
  });
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (const j of support) acc += X[i * d + j] * wTrue[j];
    y[i] = Math.fround(acc + (sigma > 0 ? sigma * hashNormal(key, NOISE_BASE / 2 + i) : 0));
  }
  return { X, y, wTrue, support: [...support].sort((a, b) => a - b) };
}
