/**
 * Toy models of superposition as SAE benchmark data (Elhage et al. 2022): n sparse ground-truth features,
 * each 0 with probability S and otherwise U[0,1]·r^i, embedded in d dimensions by unit random directions.
 * Optional correlated pairs (b also fires with a) and compositional triples (a, b → c: x gains c_a·c_b·F_c
 * when a and b both fire; c never fires alone), so a polynomial decoder has an interaction to find.
 */
import { Rng } from '../io/rng';

export interface ToyParams {
  features: number;
  dims: number;
  sparsity: number;
  importance: number;
  noise: number;
  corrPairs: number;
  compPairs: number;
  samples: number;
  seed: number;
}

export interface ToyData {
  /** samples × d, row-major. */
  x: Float32Array;
  n: number;
  d: number;
  /** True feature directions, one unit row per feature (features × d). */
  features: Float32Array;
  nFeatures: number;
  correlated: Array<[number, number]>;
  compositional: Array<{ a: number; b: number; c: number }>;
  /** How often each feature is non-zero in the generated samples. */
  frequency: Float64Array;
}

/** Probability that b fires along with a in a correlated pair, and in a compositional triple. */
export const CORRELATED_P = 0.8;
export const COMPOSITIONAL_P = 0.5;

export function toyFeatures(nFeatures: number, d: number, seed: number): Float32Array {
  const rng = new Rng(seed, 101);
  const f = new Float32Array(nFeatures * d);
  for (let i = 0; i < nFeatures; i++) {
    let s = 0;
    const row = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      row[j] = rng.normal();
      s += row[j] * row[j];
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) f[i * d + j] = row[j] * inv;
  }
  return f;
}

export function generateToy(p: ToyParams): ToyData {
  const { features: nf, dims: d, samples: n } = p;
  if (2 * p.corrPairs + 3 * p.compPairs > nf) throw new Error('not enough features for the requested pairs');
  const F = toyFeatures(nf, d, p.seed);
  const pick = new Rng(p.seed, 102).sample(nf, 2 * p.corrPairs + 3 * p.compPairs);
  const correlated: Array<[number, number]> = [];
  const compositional: Array<{ a: number; b: number; c: number }> = [];
  let q = 0;
  for (let i = 0; i < p.corrPairs; i++, q += 2) correlated.push([pick[q], pick[q + 1]]);
  for (let i = 0; i < p.compPairs; i++, q += 3)
    compositional.push({ a: pick[q], b: pick[q + 1], c: pick[q + 2] });
  const composed = new Uint8Array(nf);
  for (const t of compositional) composed[t.c] = 1;

  const rng = new Rng(p.seed, 103);
  const noiseRng = new Rng(p.seed, 104);
  const x = new Float32Array(n * d);
  const c = new Float64Array(nf);
  const freq = new Float64Array(nf);
  const scale = Float64Array.from({ length: nf }, (_, i) => p.importance ** i);
  const row = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    // Draw every feature's coin and magnitude in a fixed order, so pairs do not shift the other streams.
    for (let i = 0; i < nf; i++) {
      const on = rng.uniform() >= p.sparsity;
      const mag = rng.uniform();
      c[i] = on && !composed[i] ? mag * scale[i] : 0;
    }
    for (const [a, b] of correlated) {
      const u = rng.uniform();
      const mag = rng.uniform();
      if (c[a] > 0 && c[b] === 0 && u < CORRELATED_P) c[b] = mag * scale[b];
    }
    for (const t of compositional) {
      const u = rng.uniform();
      const mag = rng.uniform();
      if (c[t.a] > 0 && c[t.b] === 0 && u < COMPOSITIONAL_P) c[t.b] = mag * scale[t.b];
    }
    for (const t of compositional) c[t.c] = c[t.a] > 0 && c[t.b] > 0 ? c[t.a] * c[t.b] : 0;
    row.fill(0);
    for (let i = 0; i < nf; i++) {
      const ci = c[i];
      if (ci === 0) continue;
      freq[i]++;
      const fi = i * d;
      for (let j = 0; j < d; j++) row[j] += ci * F[fi + j];
    }
    for (let j = 0; j < d; j++) x[s * d + j] = row[j] + (p.noise > 0 ? p.noise * noiseRng.normal() : 0);
  }
  for (let i = 0; i < nf; i++) freq[i] /= n;
  return { x, n, d, features: F, nFeatures: nf, correlated, compositional, frequency: freq };
}
