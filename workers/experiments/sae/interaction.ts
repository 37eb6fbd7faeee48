/**
 * PolySAE's headline diagnostic: the interaction strength of latent pairs against how often they fire
 * together. For a pair (i, j) the quadratic term adds the output vector
 *   general form: W_ij = λ₂ C₂ (U⁽¹⁾_{i,:R₂} ⊙ U⁽²⁾_j + U⁽¹⁾_{j,:R₂} ⊙ U⁽²⁾_i)
 *   shared form:  W_ij = 2λ₂ C₂ (U_{i,:R₂} ⊙ U_{j,:R₂})
 * (z_i z_j times it); its strength is s_ij = ‖W_ij‖ = |λ₂|·√(wᵀ(C₂ᵀC₂)w) with w the R₂-vector in brackets.
 * Co-occurrence c_ij is the fraction of held-out samples on which both codes are positive; r(s, c) is
 * Pearson's over every co-active pair (c > 0). On toy data the true correlated pairs (b fires with a) and
 * compositional pairs (a, b → c) are mapped to their best-matching latents and labelled.
 */
import type { ToyData } from '../../data/sae-toy';
import { isPolyGeneral, type Params, type SaeConfig } from '../../reference/sae/model';

/** Pair kinds in `points` and in the `interaction.npy` table. */
export const PAIR_KINDS = ['other', 'correlated', 'compositional'] as const;
/** Co-active pairs whose strength is computed at most (the most frequent first), and points sent to the view. */
const MAX_PAIRS = 50000;
const MAX_POINTS = 1500;

export interface InteractionPoint {
  i: number;
  j: number;
  /** Interaction strength ‖W_ij‖. */
  s: number;
  /** Co-occurrence: fraction of held-out samples with z_i > 0 and z_j > 0. */
  c: number;
  kind: 0 | 1 | 2;
}

export interface InteractionView {
  form: 'general' | 'shared';
  /** Whether the toy's true pairs were mapped to latents and labelled (toy data with recovery computed). */
  labelled: boolean;
  rows: number;
  /** Co-active pairs found, and how many of them had their strength computed. */
  coactive: number;
  computed: number;
  points: InteractionPoint[];
  /** Pearson r(s, c) over the computed co-active pairs. */
  r: number;
  /** Pearson r between the same pairs' code covariance cov(z_i, z_j) and c (a co-occurrence statistic). */
  rCov: number;
  /** Per kind: pairs, mean strength, mean co-occurrence, mean fraction of pairs at least as strong. */
  summary: Array<{ kind: (typeof PAIR_KINDS)[number]; pairs: number; s: number; c: number; top: number }>;
}

export function interactionView(
  c: SaeConfig,
  p: Params,
  codes: Float32Array,
  rows: number,
  toy?: { data: Pick<ToyData, 'correlated' | 'compositional'>; bestAtom: ArrayLike<number> },
): InteractionView {
  const { m: M, d, rank1: R1, rank2: R2 } = c;
  const general = isPolyGeneral(c);
  const l2 = p.lambda[0];
  // K = C₂ᵀC₂ (R₂×R₂), so ‖C₂w‖² = wᵀKw.
  const K = new Float64Array(R2 * R2);
  for (let a = 0; a < R2; a++)
    for (let b = 0; b < R2; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += p.C2[j * R2 + a] * p.C2[j * R2 + b];
      K[a * R2 + b] = s;
    }
  const w = new Float64Array(R2);
  const strength = (i: number, j: number) => {
    for (let r = 0; r < R2; r++) {
      w[r] = general
        ? p.U[i * R1 + r] * p.U2[j * R2 + r] + p.U[j * R1 + r] * p.U2[i * R2 + r]
        : 2 * p.U[i * R1 + r] * p.U[j * R1 + r];
    }
    let q = 0;
    for (let a = 0; a < R2; a++) {
      let t = 0;
      for (let b = 0; b < R2; b++) t += K[a * R2 + b] * w[b];
      q += w[a] * t;
    }
    return Math.abs(l2) * Math.sqrt(Math.max(q, 0));
  };

  // Co-occurrence counts and Σ z_i z_j over the held-out codes (sparse rows: k-ish nonzeros each).
  const both = new Map<number, { n: number; zz: number }>();
  const mean = new Float64Array(M);
  const act: number[] = [];
  for (let r = 0; r < rows; r++) {
    act.length = 0;
    for (let i = 0; i < M; i++) {
      const v = codes[r * M + i];
      if (v > 0) {
        act.push(i);
        mean[i] += v;
      }
    }
    for (let x = 0; x < act.length; x++)
      for (let y = x + 1; y < act.length; y++) {
        const key = act[x] * M + act[y];
        const e = both.get(key) ?? { n: 0, zz: 0 };
        e.n++;
        e.zz += codes[r * M + act[x]] * codes[r * M + act[y]];
        both.set(key, e);
      }
  }
  for (let i = 0; i < M; i++) mean[i] /= Math.max(rows, 1);

  const kindOf = new Map<number, 1 | 2>();
  if (toy) {
    const key = (a: number, b: number) => Math.min(a, b) * M + Math.max(a, b);
    for (const [a, b] of toy.data.correlated) {
      const i = toy.bestAtom[a];
      const j = toy.bestAtom[b];
      if (i !== j) kindOf.set(key(i, j), 1);
    }
    for (const t of toy.data.compositional) {
      const i = toy.bestAtom[t.a];
      const j = toy.bestAtom[t.b];
      if (i !== j) kindOf.set(key(i, j), 2);
    }
  }

  const entries = [...both.entries()].sort((a, b) => b[1].n - a[1].n || a[0] - b[0]);
  const kept = entries.slice(0, MAX_PAIRS);
  const all: InteractionPoint[] = [];
  const cov: number[] = [];
  for (const [key, e] of kept) {
    const i = Math.floor(key / M);
    const j = key % M;
    all.push({ i, j, s: strength(i, j), c: e.n / rows, kind: kindOf.get(key) ?? 0 });
    cov.push(e.zz / rows - mean[i] * mean[j]);
  }
  // Labelled pairs that never fired together still belong on the chart (at c = 0), outside r.
  const seen = new Set(kept.map(([k]) => k));
  const labelledOnly: InteractionPoint[] = [];
  for (const [key, kind] of kindOf) {
    if (seen.has(key)) continue;
    const i = Math.floor(key / M);
    const j = key % M;
    labelledOnly.push({ i, j, s: strength(i, j), c: 0, kind });
  }

  const strengths = all.map((q) => q.s).sort((a, b) => b - a);
  const topFraction = (s: number) => {
    let lo = 0;
    let hi = strengths.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strengths[mid] >= s) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(lo, 1) / Math.max(strengths.length, 1);
  };
  const summary = PAIR_KINDS.map((kind, k) => {
    const qs = [...all, ...labelledOnly].filter((q) => q.kind === k);
    const avg = (f: (q: InteractionPoint) => number) =>
      qs.length ? qs.reduce((t, q) => t + f(q), 0) / qs.length : Number.NaN;
    return {
      kind,
      pairs: qs.length,
      s: round(avg((q) => q.s)),
      c: round(avg((q) => q.c)),
      top: round(avg((q) => topFraction(q.s))),
    };
  });

  // The view gets every labelled pair and an even, deterministic sample of the rest.
  const others = all.filter((q) => q.kind === 0);
  const stride = Math.max(1, Math.ceil(others.length / MAX_POINTS));
  const points = [
    ...others.filter((_, n) => n % stride === 0),
    ...all.filter((q) => q.kind !== 0),
    ...labelledOnly,
  ].map((q) => ({ ...q, s: round(q.s), c: round(q.c) }));
  return {
    form: general ? 'general' : 'shared',
    labelled: toy !== undefined,
    rows,
    coactive: entries.length,
    computed: all.length,
    points,
    r: round(
      pearson(
        all.map((q) => q.s),
        all.map((q) => q.c),
      ),
    ),
    rCov: round(
      pearson(
        cov,
        all.map((q) => q.c),
      ),
    ),
    summary,
  };
}

/** Pearson correlation; NaN with fewer than 3 pairs or a constant side. */
export function pearson(x: number[], y: number[]): number {
  const n = x.length;
  if (n < 3) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let q = 0; q < n; q++) {
    mx += x[q];
    my += y[q];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let q = 0; q < n; q++) {
    sxy += (x[q] - mx) * (y[q] - my);
    sxx += (x[q] - mx) ** 2;
    syy += (y[q] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);
