/**
 * Seeded synthetic Q, K, V (H×N×d, row-major, head-major) that each show one phenomenon the sparse and
 * linear attention papers talk about. Logit sizes are set against the 1/√d scale so the phenomenon
 * survives any d. Every head draws from its own Rng stream, so head h is the same whatever H is.
 */
import { Rng } from '../io/rng';
import type { AttentionData } from '../spec/attention';
import { generateRealistic, type RealisticKind } from './attention-realistic';

export type SyntheticKind = Exclude<AttentionData, 'file'>;

export interface Qkv {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  heads: number;
  n: number;
  d: number;
}

interface Head {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  n: number;
  d: number;
  rng: Rng;
  causal: boolean;
}

export function attentionInputs(
  kind: SyntheticKind,
  heads: number,
  n: number,
  d: number,
  seed: number,
  causal: boolean,
): Qkv {
  const size = heads * n * d;
  const out: Qkv = {
    q: new Float32Array(size),
    k: new Float32Array(size),
    v: new Float32Array(size),
    heads,
    n,
    d,
  };
  for (let h = 0; h < heads; h++) {
    const off = h * n * d;
    const head: Head = {
      q: out.q.subarray(off, off + n * d),
      k: out.k.subarray(off, off + n * d),
      v: out.v.subarray(off, off + n * d),
      n,
      d,
      rng: new Rng(seed, 1000 + h),
      causal,
    };
    if (isRealistic(kind)) generateRealistic(kind, head, h);
    else GENERATORS[kind](head);
  }
  return out;
}

const REALISTIC: readonly string[] = [
  'rope_local',
  'a_shape',
  'vertical_slash',
  'block_clusters',
  'video3d',
  'video3d_tiled',
  'mixed_heads',
] satisfies RealisticKind[];

export const isRealistic = (kind: SyntheticKind): kind is RealisticKind & SyntheticKind =>
  REALISTIC.includes(kind);

const GENERATORS: Record<Exclude<SyntheticKind, RealisticKind>, (h: Head) => void> = {
  gaussian(h) {
    h.rng.fillNormal(h.q);
    h.rng.fillNormal(h.k);
    h.rng.fillNormal(h.v);
  },
  local(h) {
    positional(h, 0, h.d, 8);
    addNoise(h, 0.3);
    h.rng.fillNormal(h.v);
  },
  clustered(h) {
    // Keys come in contiguous segments ("topics"), each drawn near one of a few sharp centroids; every
    // query belongs to one centroid and spreads its attention over that centroid's segments.
    const { n, d, rng } = h;
    const groups = 8;
    const mu = Array.from({ length: groups }, () => unitVector(rng, d, Math.sqrt(d)));
    let j = 0;
    while (j < n) {
      const len = 1 + rng.int(Math.max(2, Math.floor(n / 12)));
      const c = rng.int(groups);
      for (let e = j; e < Math.min(n, j + len); e++)
        for (let t = 0; t < d; t++) h.k[e * d + t] = mu[c][t] + 0.3 * rng.normal();
      j += len;
    }
    const beta = 6 / Math.sqrt(d);
    for (let i = 0; i < n; i++) {
      const c = rng.int(groups);
      for (let t = 0; t < d; t++) h.q[i * d + t] = beta * mu[c][t] + 0.2 * rng.normal();
    }
    h.rng.fillNormal(h.v);
  },
  needle(h) {
    // Each query carries a copy of one key (its "needle"), logit ≈ 10 against ≈ N(0,1) for the rest.
    const { n, d, rng } = h;
    rng.fillNormal(h.k);
    rng.fillNormal(h.v);
    const beta = 10 / Math.sqrt(d);
    for (let i = 0; i < n; i++) {
      const t = h.causal ? rng.int(i + 1) : rng.int(n);
      for (let e = 0; e < d; e++) h.q[i * d + e] = beta * h.k[t * d + e] + 0.1 * rng.normal();
    }
  },
  sinks(h) {
    // A local positional pattern plus 4 sink keys that share a direction every query also carries.
    const { n, d, rng } = h;
    positional(h, 0, d, 6);
    addNoise(h, 0.3);
    const u = unitVector(rng, d, 1);
    const sinks = Math.min(4, n);
    for (let i = 0; i < n; i++) for (let e = 0; e < d; e++) h.q[i * d + e] += 2 * u[e];
    for (let j = 0; j < sinks; j++) for (let e = 0; e < d; e++) h.k[j * d + e] += 3 * Math.sqrt(d) * u[e];
    rng.fillNormal(h.v);
  },
  sla_structure(h) {
    // A smooth low-frequency positional part in the first 4 dims (the low-rank remainder of P), plus "hub"
    // keys carrying mutually orthogonal codes in the other dims; each query points at two visible hubs:
    // a few large weights, scattered over many columns, so high rank.
    const { n, d, rng } = h;
    const r = 4;
    const dc = d - r;
    for (let m = 0; m < 2; m++) {
      const w = (2 * Math.PI) / (2 * n * (m + 1));
      const a = Math.sqrt(Math.sqrt(d));
      for (let i = 0; i < n; i++) {
        h.q[i * d + 2 * m] = h.k[i * d + 2 * m] = a * Math.cos(w * i);
        h.q[i * d + 2 * m + 1] = h.k[i * d + 2 * m + 1] = a * Math.sin(w * i);
      }
    }
    const count = Math.min(dc, Math.max(4, Math.floor(n / 8)));
    const hubs = [0, ...rng.sample(n - 1, count - 1).map((j) => j + 1)].sort((x, y) => x - y);
    const codes = orthonormal(rng, count, dc);
    hubs.forEach((j, c) => {
      for (let e = 0; e < dc; e++) h.k[j * d + r + e] = Math.sqrt(dc) * codes[c][e];
    });
    const beta = (7 * Math.sqrt(d)) / Math.sqrt(dc);
    for (let i = 0; i < n; i++) {
      const visible = h.causal ? hubs.filter((j) => j <= i).length : count;
      for (let p = 0; p < 2; p++) {
        const c = rng.int(visible);
        for (let e = 0; e < dc; e++) h.q[i * d + r + e] += beta * codes[c][e];
      }
    }
    addNoise(h, 0.02);
    rng.fillNormal(h.v);
  },
};

/**
 * Sinusoidal positions in dims [from, to): q_i·k_j = a²·Σ_m cos(ω_m(i − j)), largest at i = j and decaying
 * with distance; `peak` is the logit (after 1/√d) at distance 0.
 */
function positional(h: Head, from: number, to: number, peak: number): void {
  const { n, d } = h;
  const pairs = Math.floor((to - from) / 2);
  if (pairs === 0) return;
  const a = Math.sqrt((peak * Math.sqrt(d)) / pairs);
  for (let m = 0; m < pairs; m++) {
    // Wavelengths log-spaced from 4 tokens to 2N.
    const wl = 4 * ((2 * n) / 4) ** (pairs > 1 ? m / (pairs - 1) : 0);
    const w = (2 * Math.PI) / wl;
    for (let i = 0; i < n; i++) {
      const c = a * Math.cos(w * i);
      const s = a * Math.sin(w * i);
      h.q[i * d + from + 2 * m] = c;
      h.q[i * d + from + 2 * m + 1] = s;
      h.k[i * d + from + 2 * m] = c;
      h.k[i * d + from + 2 * m + 1] = s;
    }
  }
}

function addNoise(h: Head, sd: number): void {
  for (let i = 0; i < h.q.length; i++) h.q[i] += sd * h.rng.normal();
  for (let i = 0; i < h.k.length; i++) h.k[i] += sd * h.rng.normal();
}

function unitVector(rng: Rng, d: number, norm: number): Float64Array {
  const u = new Float64Array(d);
  let s = 0;
  for (let e = 0; e < d; e++) {
    u[e] = rng.normal();
    s += u[e] * u[e];
  }
  const f = norm / Math.sqrt(s);
  for (let e = 0; e < d; e++) u[e] *= f;
  return u;
}

/** `count` orthonormal vectors of length `dim` (Gram–Schmidt on Gaussian draws; count ≤ dim). */
function orthonormal(rng: Rng, count: number, dim: number): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < count) {
    const u = unitVector(rng, dim, 1);
    for (const b of out) {
      let dot = 0;
      for (let e = 0; e < dim; e++) dot += u[e] * b[e];
      for (let e = 0; e < dim; e++) u[e] -= dot * b[e];
    }
    let norm = 0;
    for (let e = 0; e < dim; e++) norm += u[e] * u[e];
    if (norm < 1e-6) continue;
    for (let e = 0; e < dim; e++) u[e] /= Math.sqrt(norm);
    out.push(u);
  }
  return out;
}
