/**
 * Realistic synthetic Q, K, V: heads built from the components measured in real LLM and video-diffusion
 * attention (sinks, local decay, vertical and slash lines, block-sparse topics, 3D locality), with rotary
 * position embeddings. Every component is sized in logit units: a component of size L adds about L to
 * τ·q·k (τ = 1/√d) where it applies, whatever d is. [Lab design; patterns from StreamingLLM, MInference,
 * SpargeAttn / SLA / VSA / LLSA evaluations.]
 *
 * Layout of a head of width d: the first d_r = d − d_n dims are rotated by RoPE, the last d_n ("NoPE")
 * dims are not (d_n = 16 at d ≥ 64, d/4 below). Base noise σ = 0.3 on every coordinate.
 *
 * Each generator states a property (checked by attention-realistic.test.ts) in GUARANTEES.
 */
import type { Rng } from '../io/rng';

export interface RealisticHead {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  n: number;
  d: number;
  rng: Rng;
  causal: boolean;
}

export type RealisticKind =
  | 'rope_local'
  | 'a_shape'
  | 'vertical_slash'
  | 'block_clusters'
  | 'video3d'
  | 'video3d_tiled'
  | 'mixed_heads';

/** What each generator guarantees (the test checks these; top-f as in `topBlockMass`). */
export const GUARANTEES: Record<RealisticKind, string> = {
  rope_local:
    'causal, N = 4096, b = 64: the top 10% of visible key blocks hold ≥ 85% of the mass (mean over query blocks in the second half)',
  a_shape: 'causal, N = 4096, b = 64: top 10% of key blocks hold ≥ 90% of the mass; the 4 sink keys ≥ 30%',
  vertical_slash: 'causal, N = 4096, b = 64: top 10% of key blocks hold ≥ 80% of the mass',
  block_clusters: 'causal, N = 4096, b = 64: top 10% of key blocks hold ≥ 85% of the mass',
  video3d:
    'non-causal, N = 4096 (16×16×16 grid, raster order), b = 64: top 10% of key blocks hold ≥ 85% of the mass',
  video3d_tiled:
    'the same head with tokens in 4×4×4 tiles (tile-major, raster inside a tile; VSA-style cubes): non-causal, N = 4096, b = 64: top 10% ≥ 85%',
  mixed_heads:
    'head h cycles local (rope_local), retrieval (block_clusters), sink-heavy (a_shape), vertical-slash; each head keeps its own guarantee',
};

/** The pattern of head h of a realistic generator (mixed_heads cycles through four). */
export function headPattern(kind: RealisticKind, h: number): Exclude<RealisticKind, 'mixed_heads'> {
  if (kind !== 'mixed_heads') return kind;
  return (['rope_local', 'block_clusters', 'a_shape', 'vertical_slash'] as const)[h % 4];
}

const SIGMA = 0.3;

interface Layout {
  /** Rotated dims [0, dr), NoPE dims [dr, d). */
  dr: number;
  dn: number;
  /** r = d^{1/4}. */
  r: number;
}

function layout(d: number): Layout {
  let dn = d >= 64 ? 16 : Math.max(2, Math.floor(d / 4));
  if ((d - dn) % 2) dn += 1;
  return { dr: d - dn, dn, r: d ** 0.25 };
}

export function generateRealistic(kind: RealisticKind, h: RealisticHead, headIndex: number): void {
  const pattern = headPattern(kind, headIndex);
  const { n, d, rng } = h;
  const L = layout(d);
  // Accumulate in float64, write float32 at the end.
  const q = new Float64Array(n * d);
  const k = new Float64Array(n * d);
  const noise = (SIGMA * L.r) / Math.sqrt(d);
  for (let i = 0; i < n * d; i++) {
    q[i] = noise * rng.normal();
    k[i] = noise * rng.normal();
  }
  let latentW = 16;
  if (pattern === 'video3d' || pattern === 'video3d_tiled') {
    const g = videoGrid(n);
    const order = pattern === 'video3d' ? Int32Array.from({ length: n }, (_, i) => i) : tileOrder(g, n);
    const field = smoothField(rng, g, [3, 3, 3], d);
    const a = Math.sqrt(16) * L.r;
    for (let i = 0; i < n; i++)
      for (let c = 0; c < d; c++) {
        q[i * d + c] += a * field[order[i] * d + c];
        k[i * d + c] += a * field[order[i] * d + c];
      }
    rope3d(q, k, n, d, g, order);
    const z = smoothField(rng, g, [3, 3, 3], d);
    writeV(
      h,
      rng,
      Float64Array.from({ length: n * d }, (_, t) => z[order[Math.floor(t / d)] * d + (t % d)]),
    );
    h.q.set(q);
    h.k.set(k);
    return;
  }
  const C = COMPONENTS[pattern];
  latentW = C.locW;
  if (C.loc > 0) addLocal(q, k, n, d, L, rng, C.loc, C.locW);
  if (C.sink > 0) addSinks(q, k, n, d, L, C.sink);
  if (C.vert > 0) addVerticals(q, k, n, d, L, rng, C.vert);
  for (const delta of C.slashes) if (delta < n) addSlash(q, k, n, d, L, rng, C.slash, delta);
  if (C.topics > 0) addTopics(q, k, n, d, L, rng, C.topics, C.topic);
  rope(q, n, d, L.dr);
  rope(k, n, d, L.dr);
  h.q.set(q);
  h.k.set(k);
  writeV(h, rng, arField(rng, n, d, latentW));
}

interface Components {
  loc: number;
  locW: number;
  sink: number;
  vert: number;
  slash: number;
  slashes: number[];
  topics: number;
  topic: number;
}

const NONE: Components = { loc: 0, locW: 16, sink: 0, vert: 0, slash: 0, slashes: [], topics: 0, topic: 0 };

const COMPONENTS: Record<Exclude<RealisticKind, 'mixed_heads' | 'video3d' | 'video3d_tiled'>, Components> = {
  rope_local: { ...NONE, loc: 12, locW: 32 },
  a_shape: { ...NONE, loc: 10, locW: 16, sink: 10 },
  vertical_slash: { ...NONE, loc: 8, locW: 8, sink: 10, vert: 7, slash: 8, slashes: [16, 64, 256] },
  block_clusters: { ...NONE, loc: 6, locW: 16, sink: 8, topics: 32, topic: 10 },
};

/** AR(1) latent h_i = ρh_{i−1} + √(1−ρ²)ε_i, ρ = e^{−1/W}, ε ~ N(0, I/dim): |h_i|² ≈ 1. */
function arLatent(rng: Rng, n: number, dim: number, w: number): Float64Array {
  const rho = Math.exp(-1 / w);
  const s = Math.sqrt(1 - rho * rho);
  const sd = 1 / Math.sqrt(dim);
  const out = new Float64Array(n * dim);
  for (let c = 0; c < dim; c++) out[c] = sd * rng.normal();
  for (let i = 1; i < n; i++)
    for (let c = 0; c < dim; c++) out[i * dim + c] = rho * out[(i - 1) * dim + c] + s * sd * rng.normal();
  return out;
}

function addLocal(
  q: Float64Array,
  k: Float64Array,
  n: number,
  d: number,
  L: Layout,
  rng: Rng,
  size: number,
  w: number,
): void {
  const lat = arLatent(rng, n, L.dr, w);
  const a = Math.sqrt(size) * L.r;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < L.dr; c++) {
      q[i * d + c] += a * lat[i * L.dr + c];
      k[i * d + c] += a * lat[i * L.dr + c];
    }
}

function addSinks(q: Float64Array, k: Float64Array, n: number, d: number, L: Layout, size: number): void {
  const c = L.dr;
  for (let i = 0; i < n; i++) q[i * d + c] += L.r;
  for (let j = 0; j < Math.min(4, n); j++) k[j * d + c] += size * L.r;
}

function addVerticals(
  _q: Float64Array,
  k: Float64Array,
  n: number,
  d: number,
  L: Layout,
  rng: Rng,
  size: number,
): void {
  const count = Math.max(1, Math.round(0.01 * n));
  for (const j of rng.sample(n, count)) k[j * d + L.dr] += size * L.r;
}

function addSlash(
  q: Float64Array,
  k: Float64Array,
  n: number,
  d: number,
  L: Layout,
  rng: Rng,
  size: number,
  delta: number,
): void {
  const a = unit(rng, L.dr);
  // q̃_i += √L·r·R(−δ)a: after RoPE, q_i·k_j ∝ aᵀR(j − i + δ)a, largest at j = i − δ.
  const ra = Float64Array.from(a);
  rotate(ra, 0, L.dr, -delta);
  const s = Math.sqrt(size) * L.r;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < L.dr; c++) {
      k[i * d + c] += s * a[c];
      q[i * d + c] += s * ra[c];
    }
}

function addTopics(
  q: Float64Array,
  k: Float64Array,
  n: number,
  d: number,
  L: Layout,
  rng: Rng,
  count: number,
  size: number,
): void {
  // Topic directions on the NoPE dims after the sink coordinate.
  const dims = L.dn - 1;
  const topics = Array.from({ length: count }, () => unit(rng, dims));
  const s = Math.sqrt(size) * L.r;
  let i0 = 0;
  while (i0 < n) {
    const len = 64 + rng.int(449);
    const t = topics[rng.int(count)];
    for (let i = i0; i < Math.min(n, i0 + len); i++)
      for (let c = 0; c < dims; c++) {
        q[i * d + L.dr + 1 + c] += s * t[c];
        k[i * d + L.dr + 1 + c] += s * t[c];
      }
    i0 += len;
  }
}

function unit(rng: Rng, dim: number): Float64Array {
  const u = new Float64Array(dim);
  let s = 0;
  for (let c = 0; c < dim; c++) s += (u[c] = rng.normal()) ** 2;
  const f = 1 / Math.sqrt(s);
  for (let c = 0; c < dim; c++) u[c] *= f;
  return u;
}

/** Rotates pairs (2m, 2m+1) of x[from..from+dim) by pos·θ_m, θ_m = 10000^{−2m/dim}. */
function rotate(x: Float64Array, from: number, dim: number, pos: number): void {
  for (let m = 0; m < dim / 2; m++) {
    const th = pos * 10000 ** ((-2 * m) / dim);
    const c = Math.cos(th);
    const s = Math.sin(th);
    const a = x[from + 2 * m];
    const b = x[from + 2 * m + 1];
    x[from + 2 * m] = a * c - b * s;
    x[from + 2 * m + 1] = a * s + b * c;
  }
}

function rope(x: Float64Array, n: number, d: number, dr: number): void {
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) row[c] = x[i * d + c];
    rotate(row, 0, dr, i);
    for (let c = 0; c < dr; c++) x[i * d + c] = row[c];
  }
}

/** V: v_j = m + z_j + 0.3ε_j, z a fresh latent field with unit variance per coordinate, m ~ 0.5·N(0, I). */
function writeV(h: RealisticHead, rng: Rng, z: Float64Array): void {
  const { n, d } = h;
  const m = Float64Array.from({ length: d }, () => 0.5 * rng.normal());
  for (let c = 0; c < d; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += z[i * d + c] ** 2;
    const f = s > 0 ? 1 / Math.sqrt(s / n) : 0;
    for (let i = 0; i < n; i++) h.v[i * d + c] = m[c] + f * z[i * d + c] + 0.3 * rng.normal();
  }
}

function arField(rng: Rng, n: number, d: number, w: number): Float64Array {
  return arLatent(rng, n, d, w);
}

/** Video grid F×H×W covering N tokens in raster (t, y, x) order; extra grid cells beyond N are unused. */
export function videoGrid(n: number): [number, number, number] {
  const side = Math.max(1, Math.round(Math.cbrt(n)));
  const hw = Math.max(1, Math.round(Math.sqrt(n / side)));
  return [Math.ceil(n / (hw * hw)), hw, hw];
}

/**
 * White noise N(0, I_d) on the grid, smoothed per axis by a Gaussian of std s tokens (wrapping), each row
 * normalised to unit length (all grid cells; the first N rows are the tokens, raster order).
 */
function smoothField(
  rng: Rng,
  g: [number, number, number],
  s: [number, number, number],
  d: number,
): Float64Array {
  const [F, H, W] = g;
  const total = F * H * W;
  let x = new Float64Array(total * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const strides = [H * W, W, 1];
  for (let ax = 0; ax < 3; ax++) {
    const sd = s[ax];
    const len = g[ax];
    if (sd <= 0 || len <= 1) continue;
    const rad = Math.min(Math.floor(len / 2), Math.ceil(3 * sd));
    const wts = Array.from({ length: 2 * rad + 1 }, (_, t) => Math.exp(-((t - rad) ** 2) / (2 * sd * sd)));
    const y = new Float64Array(x.length);
    for (let cell = 0; cell < total; cell++) {
      const pos = Math.floor(cell / strides[ax]) % len;
      const base = cell - pos * strides[ax];
      for (let t = -rad; t <= rad; t++) {
        const other = base + ((((pos + t) % len) + len) % len) * strides[ax];
        const w = wts[t + rad];
        for (let c = 0; c < d; c++) y[cell * d + c] += w * x[other * d + c];
      }
    }
    x = y;
  }
  for (let cell = 0; cell < total; cell++) {
    let nrm = 0;
    for (let c = 0; c < d; c++) nrm += x[cell * d + c] ** 2;
    const f = nrm > 0 ? 1 / Math.sqrt(nrm) : 0;
    for (let c = 0; c < d; c++) x[cell * d + c] *= f;
  }
  return x;
}

/** 3D RoPE: the d dims split (d/4, 3d/8, 3d/8) (even sizes) over (t, y, x). */
/**
 * Grid cells in 4×4×4-tile order (tiles in raster order, raster inside a tile; partial tiles at the edges),
 * keeping the first N cells that are tokens in raster order (cell < N).
 */
export function tileOrder(g: [number, number, number], n: number): Int32Array {
  const [F, H, W] = g;
  const out: number[] = [];
  for (let t0 = 0; t0 < F; t0 += 4)
    for (let y0 = 0; y0 < H; y0 += 4)
      for (let x0 = 0; x0 < W; x0 += 4)
        for (let t = t0; t < Math.min(F, t0 + 4); t++)
          for (let y = y0; y < Math.min(H, y0 + 4); y++)
            for (let x = x0; x < Math.min(W, x0 + 4); x++) {
              const cell = (t * H + y) * W + x;
              if (cell < n) out.push(cell);
            }
  return Int32Array.from(out);
}

function rope3d(
  q: Float64Array,
  k: Float64Array,
  n: number,
  d: number,
  g: [number, number, number],
  order: Int32Array,
): void {
  const dt = 2 * Math.floor(d / 8);
  const dy = 2 * Math.floor((d - dt) / 4);
  const dx = 2 * Math.floor((d - dt - dy) / 2);
  const [, H, W] = g;
  const row = new Float64Array(d);
  for (const x of [q, k]) {
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) row[c] = x[i * d + c];
      const cell = order[i];
      rotate(row, 0, dt, Math.floor(cell / (H * W)));
      rotate(row, dt, dy, Math.floor(cell / W) % H);
      rotate(row, dt + dy, dx, cell % W);
      for (let c = 0; c < d; c++) x[i * d + c] = row[c];
    }
  }
}

/**
 * Mean over query blocks I ≥ nb/2 of the dense attention mass in the ⌈f·visible⌉ (at least 2) heaviest key
 * blocks, from `rows` sampled queries per block. Also returns the minimum over those blocks.
 */
export function topBlockMass(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  n: number,
  d: number,
  causal: boolean,
  block: number,
  f: number,
  rows = 4,
): { mean: number; min: number } {
  const nb = Math.ceil(n / block);
  const tau = 1 / Math.sqrt(d);
  const s = new Float64Array(n);
  const mass = new Float64Array(nb);
  let sum = 0;
  let min = 1;
  let count = 0;
  for (let I = Math.floor(nb / 2); I < nb; I++) {
    mass.fill(0);
    const i0 = I * block;
    const len = Math.min(n, i0 + block) - i0;
    const used = Math.min(rows, len);
    for (let t = 0; t < used; t++) {
      const i = i0 + Math.floor(((t + 0.5) * len) / used);
      const hi = causal ? i + 1 : n;
      let mx = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < hi; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
        s[j] = tau * dot;
        if (s[j] > mx) mx = s[j];
      }
      let l = 0;
      for (let j = 0; j < hi; j++) l += s[j] = Math.exp(s[j] - mx);
      for (let j = 0; j < hi; j++) mass[Math.floor(j / block)] += s[j] / l / used;
    }
    const visible = causal ? I + 1 : nb;
    const keep = Math.min(visible, Math.max(2, Math.ceil(f * visible - 1e-9)));
    const top = Array.from(mass.subarray(0, visible)).sort((a, b) => b - a);
    let m = 0;
    for (let t = 0; t < keep; t++) m += top[t];
    sum += m;
    min = Math.min(min, m);
    count++;
  }
  return { mean: sum / count, min };
}
