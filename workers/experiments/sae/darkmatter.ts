/**
 * `study=darkmatter`: the dark matter of SAEs across sizes (Engels et al., arXiv 2410.14670). The chosen model is
 * trained at `sweepPoints` dictionary sizes M = latents × 2^(−2 … 2) (same k, λ, steps and seed); for each, on
 * held-out rows, the error e = x − SAE(x): its NMSE, the share of its variance a ridge fit e ≈ Ax + c predicts
 * (fitted on training rows), and the norm probe's R² (‖e‖² from x). Across sizes: the Pearson correlation of the
 * per-sample error norms ‖e‖² between every pair of sizes.
 */
import { nd } from '../../core/ndarray';
import { darkMatter } from '../../reference/sae/metrics';
import { initParams, type SaeConfig } from '../../reference/sae/model';
import type { SaeValues } from '../../spec/sae';
import type { RunContext, RunOutput } from '../types';
import { evaluateAll } from './analysis';
import { CpuTrainer, GpuTrainer, type SaeTrainer } from './backends';
import { checkConfig, checkGpuFits, decoderKind, saeConfig } from './config';
import type { SaeData } from './data';
import { trainLoop } from './train';
import type { DarkSizesViews } from './views-data';

export function darkSizes(v: SaeValues): number[] {
  const n = v.sweepPoints;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = Math.max(2, Math.round(v.latents * 2 ** (-2 + (4 * i) / (n - 1))));
    if (!out.includes(m)) out.push(m);
  }
  return out;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

export async function runDarkMatter(v: SaeValues, ctx: RunContext, data: SaeData): Promise<RunOutput> {
  const { ds } = data;
  const sizes = darkSizes(v);
  const d = ds.d;
  const nHeld = ds.n - ds.nTrain;
  const norms: Float64Array[] = [];
  const rows: DarkSizesViews['sizes'] = [];
  const t0 = performance.now();
  for (let s = 0; s < sizes.length; s++) {
    const M = sizes[s];
    const c: SaeConfig = saeConfig(v, ds, { m: M, auxK: Math.min(v.auxK, M), k: Math.min(v.k, M) });
    checkConfig(c, ds, v.batch);
    const decoder = decoderKind(v, c);
    checkGpuFits(ctx, c, ds, v.batch, decoder);
    const params = initParams(c, v.seed, ds.mean);
    const t: SaeTrainer = ctx.gpu
      ? await GpuTrainer.create(ctx.gpu, c, params, ds, v.batch, decoder)
      : new CpuTrainer(c, params, ds, v.batch);
    try {
      const stage = `${c.model} with ${M} latents (${s + 1} of ${sizes.length})`;
      await trainLoop(
        t,
        ds,
        { steps: v.steps, batch: v.batch, metricsEvery: v.metricsEvery, seed: v.seed },
        ctx,
        undefined,
        (_h, done) =>
          ctx.progress({ fraction: (s + (0.9 * done) / v.steps) / sizes.length, stage: `training ${stage}` }),
      );
      const ev = await evaluateAll(t, data, false, async () => {});
      const heldX = ds.x.subarray(ds.nTrain * d, ds.n * d);
      const dm = darkMatter(
        ds.x.subarray(0, ev.nFit * d),
        ev.fit.e,
        ev.nFit,
        heldX,
        ev.held.e,
        nHeld,
        d,
        ds.variance,
      );
      const en = new Float64Array(nHeld);
      for (let r = 0; r < nHeld; r++) {
        let q = 0;
        for (let j = 0; j < d; j++) q += ev.held.e[r * d + j] ** 2;
        en[r] = q;
      }
      norms.push(en);
      let fired = 0;
      for (const cnt of ev.held.counts) fired += cnt;
      rows.push({
        latents: M,
        nmse: dm.errorNmse,
        l0: fired / nHeld,
        linearShare: dm.linearShare,
        normProbeR2: dm.normProbeR2,
      });
      ctx.progress({ fraction: (s + 1) / sizes.length, stage: `finished ${stage}` });
    } finally {
      t.destroy();
    }
  }
  const S = sizes.length;
  const corr = new Float64Array(S * S);
  for (let a = 0; a < S; a++) for (let b = 0; b < S; b++) corr[a * S + b] = pearson(norms[a], norms[b]);
  const metrics: Record<string, number> = { sizes: S, held_out_rows: nHeld };
  rows.forEach((r) => {
    metrics[`M${r.latents}_nmse`] = r.nmse;
    metrics[`M${r.latents}_linear_share`] = r.linearShare;
  });
  metrics.error_norm_corr_smallest_largest = corr[S - 1];
  let adj = 0;
  for (let a = 0; a + 1 < S; a++) adj += corr[a * S + a + 1];
  metrics.error_norm_corr_adjacent_mean = S > 1 ? adj / (S - 1) : Number.NaN;
  const normArr = new Float64Array(S * nHeld);
  norms.forEach((e, a) => {
    normArr.set(e, a * nHeld);
  });
  const views: DarkSizesViews = {
    kind: 'darkmatter',
    model: v.model,
    source: data.source,
    sizes: rows,
    corr: Array.from(corr),
  };
  return {
    arrays: {
      latents: nd(Float64Array.from(sizes), [S]),
      nmse: nd(
        Float64Array.from(rows, (r) => r.nmse),
        [S],
      ),
      linear_share: nd(
        Float64Array.from(rows, (r) => r.linearShare),
        [S],
      ),
      norm_probe_r2: nd(
        Float64Array.from(rows, (r) => r.normProbeR2),
        [S],
      ),
      error_norms: nd(normArr, [S, nHeld]),
      error_norm_corr: nd(corr, [S, S]),
    },
    metrics,
    timings: { total: performance.now() - t0 },
    views,
  };
}
