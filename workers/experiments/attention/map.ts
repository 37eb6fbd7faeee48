/**
 * The attention map for the views: R×R cell means of the dense attention matrix per head (GPU kernel for
 * large N, CPU rows otherwise), the method's overlay class per cell (majority of up to 4×4 sampled pairs),
 * the per-query error strip, and a full-resolution zoom around the worst row or a chosen (query, key).
 */
import { attentionRow } from '../../reference/attention/dense';
import { ZOOM_SIZE } from '../../spec/attention';
import { breathe } from '../types';
import type { AttnBackend, AttnProblem } from './backend';
import type { ClassOf } from './method-types';
import { type Comparison, downsampleRows, round } from './metrics';
import type { HeadMap, Zoom } from './views-data';

/** Map resolution: 256 for one head, smaller per head when there are several (keeps views small). */
export function mapSize(n: number, heads: number): number {
  const cap = heads === 1 ? 256 : heads <= 4 ? 128 : 64;
  return Math.min(n, cap);
}

/** Above this N the GPU backend computes the map on the GPU. */
export const GPU_MAP_N = 384;

export async function buildMaps(
  p: AttnProblem,
  be: AttnBackend,
  classOf: ClassOf | null,
  cmp: Comparison,
  signal: AbortSignal,
): Promise<HeadMap[]> {
  const { heads, n } = p;
  const R = mapSize(n, heads);
  const gpuMap = be.kind === 'webgpu' && n > GPU_MAP_N ? await be.map(R, R) : null;
  const maps: HeadMap[] = [];
  for (let h = 0; h < heads; h++) {
    const mean = gpuMap ? gpuMap.subarray(h * R * R, (h + 1) * R * R) : await cpuMap(p, h, R, signal);
    const logP = Array.from(mean, (x) => round(Math.log10(Math.max(x, 1e-12))));
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const x of logP) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    const err = downsampleRows(cmp.rowError.subarray(h * n, (h + 1) * n), n, R);
    maps.push({
      head: h,
      rows: R,
      cols: R,
      logP,
      domain: [Math.max(lo, hi - 6), hi],
      classes: classOf ? overlay(classOf, h, n, R) : null,
      rowErrorMax: err.max,
      rowErrorMean: err.mean,
      rowRecall: cmp.rowRecall ? downsampleRows(cmp.rowRecall.subarray(h * n, (h + 1) * n), n, R).mean : null,
    });
    await breathe(signal);
  }
  return maps;
}

/** Cell means from CPU rows; above 1024 rows at most 4 evenly spaced rows per cell are used. */
async function cpuMap(p: AttnProblem, h: number, R: number, signal: AbortSignal): Promise<Float64Array> {
  const { n, d } = p;
  const q = p.q.subarray(h * n * d, (h + 1) * n * d);
  const k = p.k.subarray(h * n * d, (h + 1) * n * d);
  const sums = new Float64Array(R * R);
  const row = new Float64Array(n);
  let t0 = performance.now();
  for (let r = 0; r < R; r++) {
    const i0 = Math.floor((r * n) / R);
    const i1 = Math.floor(((r + 1) * n) / R);
    const step = n > 1024 ? Math.max(1, Math.floor((i1 - i0) / 4)) : 1;
    let used = 0;
    for (let i = i0; i < i1; i += step) {
      attentionRow(q, k, n, d, p.causal, i, row);
      for (let c = 0; c < R; c++) {
        const j0 = Math.floor((c * n) / R);
        const j1 = Math.floor(((c + 1) * n) / R);
        let s = 0;
        for (let j = j0; j < j1; j++) s += row[j];
        sums[r * R + c] += s / (j1 - j0);
      }
      used++;
    }
    for (let c = 0; c < R; c++) sums[r * R + c] /= used;
    if (performance.now() - t0 > 30) {
      await breathe(signal);
      t0 = performance.now();
    }
  }
  return sums;
}

/** Majority class of up to 4×4 sampled (query, key) pairs per cell; pairs hidden by causality don't vote. */
function overlay(classOf: ClassOf, h: number, n: number, R: number): number[] {
  const S = Math.min(4, Math.ceil(n / R));
  const out = new Array<number>(R * R).fill(-1);
  const votes = new Int32Array(8);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < R; c++) {
      votes.fill(0);
      let any = false;
      for (let a = 0; a < S; a++) {
        const i = Math.min(n - 1, Math.floor(((r + (a + 0.5) / S) * n) / R));
        for (let b = 0; b < S; b++) {
          const j = Math.min(n - 1, Math.floor(((c + (b + 0.5) / S) * n) / R));
          const k = classOf(h, i, j);
          if (k >= 0) {
            votes[k]++;
            any = true;
          }
        }
      }
      if (!any) continue;
      let best = 0;
      for (let k = 1; k < votes.length; k++) if (votes[k] > votes[best]) best = k;
      out[r * R + c] = best;
    }
  }
  return out;
}

/** Where the zoom is centred: −1 = automatic (the worst query row; its heaviest key). */
export interface ZoomAt {
  zoomQ: number;
  zoomK: number;
}

/**
 * Full-resolution ZOOM_SIZE×ZOOM_SIZE window of the dense attention weights (CPU rows on both backends: 64
 * rows cost O(64·N·d)). Centred on (zoomQ, zoomK) when set, clamped to the matrix; an automatic query is the
 * row with the largest error (over all heads), an automatic key that row's heaviest key. A chosen query is
 * shown in the head where its error is largest.
 */
export function buildZoom(
  p: AttnProblem,
  classOf: ClassOf | null,
  cmp: Comparison,
  at: ZoomAt = { zoomQ: -1, zoomK: -1 },
): Zoom | null {
  const { heads, n, d } = p;
  const size = ZOOM_SIZE;
  if (n <= size) return null;
  const autoQ = at.zoomQ < 0;
  const autoK = at.zoomK < 0;
  let h = 0;
  let i = 0;
  if (autoQ) {
    let worst = 0;
    for (let t = 1; t < heads * n; t++) if (cmp.rowError[t] > cmp.rowError[worst]) worst = t;
    h = Math.floor(worst / n);
    i = worst % n;
  } else {
    i = Math.min(n - 1, at.zoomQ);
    for (let g = 1; g < heads; g++) if (cmp.rowError[g * n + i] > cmp.rowError[h * n + i]) h = g;
  }
  const q = p.q.subarray(h * n * d, (h + 1) * n * d);
  const k = p.k.subarray(h * n * d, (h + 1) * n * d);
  const row = new Float64Array(n);
  let j = Math.min(n - 1, at.zoomK);
  if (autoK) {
    attentionRow(q, k, n, d, p.causal, i, row);
    j = 0;
    for (let c = 1; c < n; c++) if (row[c] > row[j]) j = c;
  }
  const clamp = (x: number) => Math.max(0, Math.min(n - size, x - size / 2));
  const row0 = clamp(i);
  const col0 = clamp(j);
  const logP: number[] = [];
  const classes: number[] = [];
  for (let r = 0; r < size; r++) {
    attentionRow(q, k, n, d, p.causal, row0 + r, row);
    for (let c = 0; c < size; c++) {
      logP.push(round(Math.log10(Math.max(row[col0 + c], 1e-12))));
      if (classOf) classes.push(classOf(h, row0 + r, col0 + c));
    }
  }
  const err = round(cmp.rowError[h * n + i]);
  const rowWhy = autoQ
    ? `query ${i} of head ${h} has the largest error (${err})`
    : `query ${i} as chosen (head ${h}, where its error ${err} is largest)`;
  const colWhy = autoK ? `columns centred on its heaviest key ${j}` : `columns centred on key ${j} as chosen`;
  return {
    head: h,
    row0,
    col0,
    size,
    logP,
    classes: classOf ? classes : null,
    centreQ: i,
    centreK: j,
    auto: autoQ && autoK,
    why: `${rowWhy}; ${colWhy}`,
  };
}
