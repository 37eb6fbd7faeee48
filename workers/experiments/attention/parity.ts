/**
 * GPU result vs the float64 reference on the same mask (taken from the result's own mask arrays, so a
 * float32 near-tie in selection cannot show up as a kernel error). Cheap runs are checked on every row;
 * larger ones on evenly spaced rows of every head unless a full check is asked for.
 */
import { toFloat64 } from '../../core/ndarray';
import { blockKeys } from '../../reference/attention-blocksparse';
import { type AttnResult, attendKeysInto, rangeKeys } from '../../reference/attention-dense';
import { gatherKeys } from '../../reference/attention-gather';
import { hipTileLists } from '../../reference/attention-hip';
import { linearAttentionRef } from '../../reference/attention-linear';
import { llsaRef } from '../../reference/attention-llsa';
import { logLinearAttentionRef } from '../../reference/attention-loglinear';
import { seaBucket } from '../../reference/attention-sea';
import { slaRef } from '../../reference/attention-sla';
import { windowKeys } from '../../reference/attention-window';
import { breathe, maxRelDiff, type Parity, type RunContext, type RunOutput } from '../types';
import { loadProblem } from './inputs';
import type { AttnValues } from './methods';

/** Up to this many multiply-adds the check covers every row. */
const FULL_CHECK_MACS = 3e7;

export async function attentionParity(
  v: AttnValues,
  ctx: RunContext,
  out: RunOutput,
  full: boolean,
): Promise<Parity> {
  if (v.hybrid)
    return {
      status: 'skipped',
      reason: 'per-head hybrid: no combined reference; each method’s kernel has its own parity check',
    };
  const p = loadProblem(v, ctx.data);
  const { heads: H, n, d, causal } = p;
  const got = toFloat64(out.arrays.out);
  const head = (a: Float32Array, h: number) => a.subarray(h * n * d, (h + 1) * n * d);

  if (v.method === 'linear' || v.method === 'sla' || v.method === 'loglinear') {
    if (!full && H * n > 8192)
      return {
        status: 'skipped',
        reason: 'linear-family reference is run on request (check parity) above H·N = 8192',
      };
    const want = new Float64Array(H * n * d);
    const fo = {
      n,
      d,
      causal,
      featureMap: v.featureMap,
      favorFeatures: v.favorFeatures,
      seed: v.seed,
      chunk: v.chunk,
    };
    for (let h = 0; h < H; h++) {
      const [q, k, vv] = [head(p.q, h), head(p.k, h), head(p.v, h)];
      const r =
        v.method === 'linear'
          ? linearAttentionRef(q, k, vv, fo)
          : v.method === 'loglinear'
            ? logLinearAttentionRef(q, k, vv, {
                ...fo,
                beta: v.beta,
                lambdas: out.arrays.levelWeights
                  ? (out.arrays.levelWeights.data as Float32Array).subarray(
                      h * out.arrays.levelWeights.shape[1],
                      (h + 1) * out.arrays.levelWeights.shape[1],
                    )
                  : null,
              })
            : slaRef(q, k, vv, {
                ...fo,
                block: v.block,
                kh: v.kh,
                kl: v.kl,
                combine: v.combine,
                proj: slaProjection(v, out, h, d),
              }).out;
      want.set(r, h * n * d);
      await breathe(ctx.signal);
    }
    const diff = maxRelDiff(got, want);
    return { status: 'checked', maxRelDiff: diff, tolerance: 5e-4, ok: diff <= 5e-4, compared: 'all' };
  }

  if (v.method === 'llsa') {
    // The selection is the same CPU code on both backends; the check recomputes it and the attention in float64.
    if (!full && H * n * n * d > 4e8)
      return { status: 'skipped', reason: 'LLSA reference is run on request (check parity) at this size' };
    const want = new Float64Array(H * n * d);
    for (let h = 0; h < H; h++) {
      const o = { n, d, levels: v.llsaLevels, k: v.llsaK, enrich: v.llsaEnrich };
      want.set(llsaRef(head(p.q, h), head(p.k, h), head(p.v, h), o).out, h * n * d);
      await breathe(ctx.signal);
    }
    const diff = maxRelDiff(got, want);
    return { status: 'checked', maxRelDiff: diff, tolerance: 1e-4, ok: diff <= 1e-4, compared: 'all' };
  }

  const keysOf = keyLists(v, p, out);
  // Cost of one row ≈ its key count × d; sample rows evenly when the whole check would be large.
  const approxKeys = v.method === 'window' ? Math.min(n, v.window + v.sinks) : n;
  const allRows = full || H * n * approxKeys * d <= FULL_CHECK_MACS;
  const perHead = allRows ? n : Math.max(1, Math.min(n, Math.floor(FULL_CHECK_MACS / (H * approxKeys * d))));
  const gotRows: number[] = [];
  const wantRows: number[] = [];
  for (let h = 0; h < H; h++) {
    const r: AttnResult = { out: new Float64Array(n * d), lse: new Float64Array(n) };
    for (let s = 0; s < perHead; s++) {
      const i = Math.floor((s * n) / perHead);
      attendKeysInto(r, head(p.q, h), head(p.k, h), head(p.v, h), d, (row) => keysOf(h, row), i, i + 1);
      for (let e = 0; e < d; e++) {
        gotRows.push(got[(h * n + i) * d + e]);
        wantRows.push(r.out[i * d + e]);
      }
    }
    await breathe(ctx.signal);
  }
  const diff = maxRelDiff(gotRows, wantRows);
  return {
    status: 'checked',
    maxRelDiff: diff,
    tolerance: 1e-4,
    ok: diff <= 1e-4,
    compared: allRows ? 'all' : `${perHead} rows per head`,
  };
}

/** The SLA projection W the run used for head h: the stored fit, zero, or none (identity / mix). */
function slaProjection(v: AttnValues, out: RunOutput, h: number, d: number): ArrayLike<number> | null {
  if (v.combine !== 'sum' || v.projection === 'identity') return null;
  if (v.projection === 'zero') return new Float64Array((d + 1) * d);
  const w = out.arrays.slaProj;
  if (!w) throw new Error('SLA fitted projection: the result has no slaProj array to check against');
  return (w.data as Float32Array).subarray(h * (d + 1) * d, (h + 1) * (d + 1) * d);
}

function keyLists(
  v: AttnValues,
  p: ReturnType<typeof loadProblem>,
  out: RunOutput,
): (h: number, i: number) => ArrayLike<number> {
  const { n, d, causal } = p;
  switch (v.method) {
    case 'window': {
      const o = { n, d, causal, window: v.window, sinks: v.sinks };
      return (_h, i) => windowKeys(o, i);
    }
    case 'blocksparse': {
      const blocks = out.arrays.blocks;
      const nb = blocks.shape[1];
      const lists = Array.from({ length: p.heads }, (_, h) =>
        Array.from({ length: nb }, (_, I) => {
          const row = (blocks.data as Int32Array).subarray((h * nb + I) * nb, (h * nb + I + 1) * nb);
          const kept: number[] = [];
          for (let J = 0; J < nb; J++) if (row[J] >= 1) kept.push(J);
          return Int32Array.from(kept);
        }),
      );
      return (h, i) => blockKeys(lists[h], v.block, n, causal, i);
    }
    case 'hip': {
      const mask = out.arrays.mask;
      const [, nqb, K] = mask.shape;
      const o = { n, d, causal, window: v.window, sinks: v.sinks, k: v.hipK, bk: v.hipBk, bsq: v.hipBsq };
      const tiles = Array.from({ length: p.heads }, (_, h) => {
        const sel = Array.from({ length: nqb }, (_, B) => {
          const row = (mask.data as Int32Array).subarray((h * nqb + B) * K, (h * nqb + B + 1) * K);
          return row[0] === -2
            ? null
            : Int32Array.from(
                Array.from(row).filter((x) => x >= 0),
                (x) => (x - v.sinks) / v.hipBk,
              );
        });
        return hipTileLists(o, sel);
      });
      const go = { ...o, words: 0 };
      return (h, i) => gatherKeys(go, tiles[h], null, i);
    }
    case 'sea': {
      const mask = out.arrays.mask;
      const cols = mask.shape[2];
      const bits = mask.data as Uint8Array;
      return (h, i) => {
        const keys: number[] = [];
        for (let j = 0; j < (causal ? i + 1 : n); j++)
          if (bits[(h * n + i) * cols + seaBucket(j, n, cols)]) keys.push(j);
        return keys;
      };
    }
    default: {
      const upTo = rangeKeys(n);
      return (_h, i) => upTo(causal ? i + 1 : n);
    }
  }
}
