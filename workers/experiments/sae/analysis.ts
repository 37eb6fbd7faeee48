/**
 * What a finished SAE shows: held-out reconstruction and sparsity, the feature-density histogram, recovery of
 * known features (toy data), PolySAE's interaction weights against the true compositional pairs, decoder atoms
 * as images with their top-activating samples (digits), and the dark matter of the error.
 */
import type { ToyData } from '../../data/sae-toy';
import { type DarkMatter, darkMatter, densityHistogram, recovery } from '../../reference/sae/metrics';
import { isPoly, isPolyGeneral, linearAtoms, type Params, type SaeConfig } from '../../reference/sae/model';
import type { EvalResult, SaeTrainer } from './backends';
import type { SaeData } from './data';
import { interactionView } from './interaction';

/** Side of the largest map sent to the views. */
const MAP_MAX = 256;
/** Recovery costs latents × features × d multiply-adds; above this it is skipped (and said so). */
export const RECOVERY_MAX_FLOPS = 2e9;
/** Latents whose atoms and top samples are shown, and samples per latent. */
const SHOWN_LATENTS = 32;
const TOP_SAMPLES = 6;

export interface Evaluation {
  held: EvalResult;
  fit: EvalResult;
  nFit: number;
  nHeld: number;
}

/** Rows for the dark-matter fit: enough for the ridge fit, bounded so its O(rows·d²) cost stays small. */
export function fitRows(nTrain: number, d: number): number {
  return Math.min(nTrain, Math.max(2 * (d + 1), Math.min(8192, Math.floor(4e8 / (d * d)))));
}

export async function evaluateAll(
  t: SaeTrainer,
  data: SaeData,
  codes: boolean,
  onChunk: (f: number) => Promise<void>,
): Promise<Evaluation> {
  const { ds } = data;
  const nHeld = ds.n - ds.nTrain;
  const nFit = fitRows(ds.nTrain, ds.d);
  const total = nHeld + nFit;
  const held = await t.evaluate(ds.nTrain, nHeld, { codes, onChunk: (k) => onChunk(k / total) });
  const fit = await t.evaluate(0, nFit, { onChunk: (k) => onChunk((nHeld + k) / total) });
  return { held, fit, nFit, nHeld };
}

export interface Analysis {
  metrics: Record<string, number>;
  views: Record<string, unknown>;
}

export function analyse(c: SaeConfig, p: Params, data: SaeData, ev: Evaluation): Analysis {
  const { ds, toy } = data;
  const { d, m: M } = c;
  const { held, fit, nFit, nHeld } = ev;
  const heldX = ds.x.subarray(ds.nTrain * d, ds.n * d);
  // Held-out reconstruction: NMSE against the training mean's variance, and explained variance.
  let errSq = 0;
  let varSq = 0;
  for (let r = 0; r < nHeld; r++) {
    for (let j = 0; j < d; j++) {
      errSq += held.e[r * d + j] ** 2;
      varSq += (heldX[r * d + j] - ds.mean[j]) ** 2;
    }
  }
  const nmse = errSq / Math.max(nHeld, 1) / ds.variance;
  const explained = varSq > 0 ? 1 - errSq / varSq : 0;
  const counts = new Float64Array(M);
  for (let i = 0; i < M; i++) counts[i] = held.counts[i] + fit.counts[i];
  const rowsSeen = nHeld + nFit;
  const freq = counts.map((x) => x / rowsSeen);
  let l0Held = 0;
  for (let i = 0; i < M; i++) l0Held += held.counts[i];
  l0Held /= Math.max(nHeld, 1);
  const density = densityHistogram(freq, 24, -Math.max(1, Math.ceil(Math.log10(rowsSeen))), 0);

  const atoms = linearAtoms(c, p);
  const metrics: Record<string, number> = {
    nmse,
    explained_variance: explained,
    l0: l0Held,
    dead_latents: density.dead,
    dense_latents: density.dense,
    scale: ds.scale,
    variance: ds.variance,
  };
  const views: Record<string, unknown> = {
    density: { ...density, rows: rowsSeen },
  };

  const canRecover = toy !== undefined && M * toy.nFeatures * d <= RECOVERY_MAX_FLOPS;
  let bestAtom: ArrayLike<number> | undefined;
  if (toy && canRecover) {
    const rec = recovery(atoms, M, toy.features, toy.nFeatures, d);
    bestAtom = rec.bestAtom;
    metrics.mmcs = rec.mmcs;
    metrics.recovered_fraction = rec.recovered;
    views.recovery = recoveryMatrix(atoms, M, toy, rec.mmcs, rec.recovered, Array.from(rec.best));
  } else if (toy) {
    views.recoverySkipped = `recovery needs ${M}×${toy.nFeatures}×${d} multiply-adds, more than this lab computes in the worker`;
  }
  if (isPoly(c)) {
    views.poly = polyInteractions(c, p, atoms, canRecover ? toy : undefined, freq);
    metrics.lambda2 = p.lambda[0];
    metrics.lambda3 = p.lambda[1];
    if (held.codes) {
      const iv = interactionView(
        c,
        p,
        held.codes,
        nHeld,
        toy && bestAtom ? { data: toy, bestAtom } : undefined,
      );
      views.interaction = iv;
      metrics.interaction_r = iv.r;
      metrics.interaction_r_cov = iv.rCov;
    }
  }
  views.top = topSamples(data, ev, M);
  if (ds.image) views.atoms = atomImages(atoms, M, d, ds.image, freq);

  const fitX = ds.x.subarray(0, nFit * d);
  const dm: DarkMatter = darkMatter(fitX, fit.e, nFit, heldX, held.e, nHeld, d, ds.variance);
  metrics.dark_linear_share = dm.linearShare;
  metrics.dark_nonlinear_share = dm.nonlinearVar;
  metrics.dark_norm_probe_r2 = dm.normProbeR2;
  views.darkMatter = dm;
  return { metrics, views };
}

/** |cos| of atoms × true features, rows (atoms) sorted by their best feature then by how well they match. */
function recoveryMatrix(
  atoms: Float64Array,
  M: number,
  toy: ToyData,
  mmcs: number,
  recovered: number,
  best: number[],
) {
  const { nFeatures: n, features: F, d } = toy;
  const norm = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let q = 0; q < d; q++) s += atoms[i * d + q] ** 2;
    norm[i] = Math.sqrt(s) || 1;
  }
  const cosAt = (i: number, j: number) => {
    let s = 0;
    for (let q = 0; q < d; q++) s += atoms[i * d + q] * F[j * d + q];
    return Math.abs(s) / norm[i];
  };
  const bestOf = new Int32Array(M);
  const bestCos = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < n; j++) {
      const v = cosAt(i, j);
      if (v > bestCos[i]) {
        bestCos[i] = v;
        bestOf[i] = j;
      }
    }
  }
  let order = Array.from({ length: M }, (_, i) => i);
  if (M > MAP_MAX) order = order.sort((a, b) => bestCos[b] - bestCos[a]).slice(0, MAP_MAX);
  order.sort((a, b) => bestOf[a] - bestOf[b] || bestCos[b] - bestCos[a]);
  const cols = Math.min(n, MAP_MAX);
  const values: number[] = [];
  for (const i of order) for (let j = 0; j < cols; j++) values.push(round(cosAt(i, j)));
  return {
    rows: order.length,
    cols,
    values,
    atoms: order,
    latents: M,
    features: n,
    mmcs,
    recovered,
    bestPerFeature: best.slice(0, cols).map(round),
  };
}

/**
 * PolySAE's quadratic term (Σ_i z_iU_i·)² ⊙ C₂ gives each pair of latents (i, i') an output direction
 * v_ii' = 2λ₂ Σ_{r<R₂} U_ir U_i'r C₂[:, r] (general form: λ₂ Σ_r (U⁽¹⁾_ir U⁽²⁾_i'r + U⁽¹⁾_i'r U⁽²⁾_ir) C₂[:, r]). On toy data each true feature is mapped to its best-matching
 * latent; the matrix is ‖v‖ over pairs of true features, and each true triple (a, b → c) gets its pair's weight,
 * its rank among all pairs and cos(v_ab, F_c). Elsewhere: the matrix over the 32 most frequent latents.
 */
function polyInteractions(
  c: SaeConfig,
  p: Params,
  atoms: Float64Array,
  toy: ToyData | undefined,
  freq: Float64Array,
) {
  const { d, m: M, rank1: R1, rank2: R2 } = c;
  const l2 = p.lambda[0];
  const general = isPolyGeneral(c);
  const pairVec = (i: number, k: number) => {
    const v = new Float64Array(d);
    for (let r = 0; r < R2; r++) {
      // Shared: 2λ₂U_irU_kr; general: λ₂(U⁽¹⁾_ir U⁽²⁾_kr + U⁽¹⁾_kr U⁽²⁾_ir).
      const w = general
        ? l2 * (p.U[i * R1 + r] * p.U2[k * R2 + r] + p.U[k * R1 + r] * p.U2[i * R2 + r])
        : 2 * l2 * p.U[i * R1 + r] * p.U[k * R1 + r];
      if (w === 0) continue;
      for (let j = 0; j < d; j++) v[j] += w * p.C2[j * R2 + r];
    }
    return v;
  };
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  let latents: number[];
  let labels: string[];
  if (toy) {
    const rec = recovery(atoms, M, toy.features, toy.nFeatures, d);
    latents = Array.from(rec.bestAtom).slice(0, 64);
    labels = latents.map((_, j) => `f${j}`);
  } else {
    latents = Array.from(freq.keys())
      .sort((a, b) => freq[b] - freq[a])
      .slice(0, 32);
    labels = latents.map((i) => `#${i}`);
  }
  const n = latents.length;
  const values = new Array<number>(n * n).fill(0);
  const all: number[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const w = latents[a] === latents[b] ? 0 : norm(pairVec(latents[a], latents[b]));
      values[a * n + b] = values[b * n + a] = round(w);
      all.push(w);
    }
  }
  all.sort((x, y) => y - x);
  const pairs = (toy?.compositional ?? [])
    .filter((t) => t.a < n && t.b < n)
    .map((t) => {
      const v = pairVec(latents[t.a], latents[t.b]);
      const w = norm(v);
      let dot = 0;
      for (let j = 0; j < d; j++) dot += v[j] * toy!.features[t.c * d + j];
      const rank = all.findIndex((x) => x <= w);
      return {
        a: t.a,
        b: t.b,
        c: t.c,
        weight: round(w),
        /** Fraction of all pairs weighing at least as much (small = it stands out). */
        topFraction: round((rank < 0 ? all.length : rank + 1) / Math.max(all.length, 1)),
        cosToC: round(w > 0 ? dot / w : 0),
      };
    });
  return { n, labels, values, pairs, lambda: [p.lambda[0], p.lambda[1]], latents };
}

function topSamples(data: SaeData, ev: Evaluation, M: number) {
  const { ds } = data;
  const C = Math.min(SHOWN_LATENTS, M, ev.held.sliceCols);
  const rowsOf: Array<{ res: EvalResult; start: number; n: number }> = [
    { res: ev.held, start: ds.nTrain, n: ev.nHeld },
    { res: ev.fit, start: 0, n: ev.nFit },
  ];
  const out = [];
  for (let i = 0; i < C; i++) {
    const best: Array<{ row: number; value: number }> = [];
    for (const { res, start, n } of rowsOf) {
      for (let r = 0; r < n; r++) {
        const v = res.slice[r * res.sliceCols + i];
        if (v <= 0) continue;
        if (best.length < TOP_SAMPLES || v > best[best.length - 1].value) {
          best.push({ row: start + r, value: v });
          best.sort((a, b) => b.value - a.value);
          if (best.length > TOP_SAMPLES) best.pop();
        }
      }
    }
    out.push({
      latent: i,
      samples: best.map((s) => ({
        row: s.row,
        value: round(s.value),
        label: ds.labels ? ds.labels[s.row] : undefined,
        pixels: ds.image ? Array.from(ds.x.subarray(s.row * ds.d, (s.row + 1) * ds.d), round) : undefined,
      })),
    });
  }
  return { latents: out, image: ds.image ?? null };
}

function atomImages(
  atoms: Float64Array,
  M: number,
  d: number,
  image: { width: number; height: number },
  freq: Float64Array,
) {
  const count = Math.min(SHOWN_LATENTS, M);
  const pixels: number[] = [];
  for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) pixels.push(round(atoms[i * d + j]));
  return { ...image, count, pixels, frequency: Array.from(freq.subarray(0, count), round) };
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;
