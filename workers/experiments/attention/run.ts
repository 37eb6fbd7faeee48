/**
 * Runner for `#/attention`: Q/K/V (synthetic or the user's), dense attention as the anchor, the chosen
 * method on the same backend, its error, mass recall, FLOPs and time against dense; the map with the
 * mask, the per-row error strip, an error-vs-compute sweep over several methods and the SLA spectrum.
 */
import { nd } from '../../core/ndarray';
import { attentionMethodLabel, attentionSpec } from '../../spec/attention';
import { breathe, defineExperiment, type RunContext, stage } from '../types';
import { type AttnBackend, cpuBackend } from './backend';
import { gpuBackend } from './backend-gpu';
import { runHybrid } from './hybrid';
import { checkSizes, loadProblem } from './inputs';
import { buildMaps, buildZoom, GPU_MAP_N } from './map';
import { massCurve } from './mass-curve';
import { compare, densePairs } from './metrics';
import { ATTENTION_IMPLS, attentionParity, runMethod } from './registry';
import { attentionSpectrum } from './spectrum';
import { runSweep } from './sweep';
import { metricTable } from './table';
import { parseTune, tune, tuneTable } from './tune';
import type {
  AttentionPartial,
  AttentionViewsData,
  SpectrumView,
  SweepSeries,
  TableView,
} from './views-data';

/** The spectrum (three n×n SVDs in TS) is computed up to this N. */
const SPECTRUM_MAX_N = 512;

export const attentionExperiment = defineExperiment({
  spec: attentionSpec,
  async run(v, ctx: RunContext) {
    ctx.progress({ fraction: 0, stage: 'preparing Q, K, V' });
    const p = loadProblem(v, ctx.data, (dims) => checkSizes(dims, v, ctx.gpu));
    const { heads, n, d, causal } = p;
    const be: AttnBackend = ctx.gpu ? gpuBackend(ctx.gpu, p, ctx.signal) : cpuBackend(p, ctx.signal);
    try {
      ctx.progress({ fraction: 0.05, stage: 'dense attention (the anchor)' });
      const dense = await be.dense();
      ctx.progress({ fraction: 0.2, stage: `running ${v.hybrid ? 'the per-head hybrid' : v.method}` });
      const target = parseTune(v.tune);
      const tables: TableView[] = [];
      const m = v.hybrid
        ? await runHybrid(
            v,
            p,
            be,
            dense,
            (sub) => (ctx.gpu ? gpuBackend(ctx.gpu, sub, ctx.signal) : cpuBackend(sub, ctx.signal)),
            target,
            ctx.signal,
            (stage) => ctx.progress({ fraction: 0.25, stage }),
          )
        : await runMethod(v, p, be, dense);
      if ('tables' in m && Array.isArray(m.tables)) tables.push(...(m.tables as TableView[]));
      const cmp = compare(m.out, dense.out, heads * n, d, m.lse, dense.lse);
      const denseFlops = 4 * heads * densePairs(n, causal) * d;
      ctx.progress({ fraction: 0.35, stage: 'attention map' });
      const maps = await buildMaps(p, be, m.classOf, cmp, ctx.signal);
      const zoom = buildZoom(p, m.classOf, cmp, v);
      let sweep: SweepSeries[] | null = null;
      if (v.sweep) {
        sweep = await runSweep(v, p, be, dense, ctx.signal, (series, done, total) =>
          ctx.progress({
            fraction: 0.4 + (0.5 * done) / total,
            stage: `sweep ${done}/${total}`,
            partial: { sweep: series } satisfies AttentionPartial,
          }),
        );
      }
      let tuneMet: number | null = null;
      if (target) {
        const before = sweep ?? [];
        const rows = await tune(v, p, be, dense, target, ctx.signal, (series) =>
          ctx.progress({
            fraction: 0.9,
            stage: `error budget: ${series[series.length - 1].name}`,
            partial: { sweep: [...before, ...series] } satisfies AttentionPartial,
          }),
        );
        // Re-draw the series with every evaluated step (in compute order).
        sweep = [
          ...before,
          ...rows.map((r) => ({
            name: `tuner: ${r.knob.name}`,
            points: [...r.steps]
              .sort((a, b) => a.flopFraction - b.flopFraction)
              .map((t) => ({
                x: t.flopFraction,
                y: t.err,
                recall: null,
                label: `${r.knob.label}=${t.setting}${t.meets ? ' ✓' : ''}`,
              })),
          })),
        ];
        tables.push(tuneTable(rows, target, dense.ms, heads));
        tuneMet = rows.filter((r) => r.best).length;
      }
      const charts = [...(m.charts ?? [])];
      let curveMetrics: Record<string, number> = {};
      if (v.massCurve) {
        ctx.progress({ fraction: 0.91, stage: 'block-mass curve against N' });
        const mc = await massCurve(d, v.seed, p.fromFile ? p : null, ctx.signal);
        charts.unshift(mc.chart);
        curveMetrics = mc.metrics;
      }
      const study = v.hybrid ? undefined : ATTENTION_IMPLS[v.method].study;
      const studied = study?.run(v, p, be, dense, ctx.signal);
      if (study && studied) {
        ctx.progress({ fraction: 0.92, stage: study.stage });
        charts.push(await studied);
      }
      let spectrum: SpectrumView | null = null;
      if (n <= SPECTRUM_MAX_N) {
        ctx.progress({ fraction: 0.92, stage: 'singular values of P (head 0)' });
        await breathe(ctx.signal);
        spectrum = await attentionSpectrum(
          p.q.subarray(0, n * d),
          p.k.subarray(0, n * d),
          n,
          d,
          causal,
          v.kh / 100,
          0,
          ctx.signal,
        );
      }
      const keptMass = m.keptLse
        ? compare(m.out, dense.out, heads * n, d, m.keptLse, dense.lse).recall
        : null;
      const metrics: Record<string, number> = {
        relL2: cmp.relL2,
        cosine: cmp.cosine,
        flopFraction: m.flops / denseFlops,
        kernelMs: m.ms,
        selectMs: m.selectMs,
        denseMs: dense.ms,
        speedup: dense.ms / Math.max(m.ms + m.selectMs, 1e-9),
        maxRowError: cmp.rowError.reduce((a, x) => Math.max(a, x), 0),
        heads,
        n,
        d,
        ...m.metrics,
        ...curveMetrics,
      };
      if (cmp.recall !== null) metrics.massRecall = cmp.recall;
      if (tuneMet !== null) metrics.tuneMethodsMeeting = tuneMet;
      if (keptMass !== null) metrics.keptMass = keptMass;
      if (m.pairs !== null) metrics.sparsity = 1 - m.pairs / (heads * densePairs(n, causal));
      ctx.progress({ fraction: 1, stage: 'done' });
      const shape = p.fromFile ? ctx.data.q.shape : [heads, n, d];
      const views: AttentionViewsData = {
        method: v.hybrid ? 'hybrid' : v.method,
        methodLabel: v.hybrid ? `Per-head hybrid (${v.hybrid})` : attentionMethodLabel(v.method),
        heads,
        n,
        d,
        causal,
        maps,
        zoom,
        table: metricTable(metrics, be.timing),
        sweep,
        spectrum,
        notes: m.notes,
        ...(charts.length ? { charts } : {}),
        ...(tables.length ? { tables } : {}),
      };
      const stages = [
        stage('dense anchor', be.kind, 'dense softmax attention (flash, tiled)'),
        ...ATTENTION_IMPLS[v.method].stages(be.kind),
        be.kind === 'webgpu' && n > GPU_MAP_N
          ? stage('map', 'webgpu', 'downsampled attention map')
          : stage(
              'map',
              'cpu',
              'downsampled attention map',
              be.kind === 'webgpu' ? `N ≤ ${GPU_MAP_N}: the map is computed on the CPU` : undefined,
            ),
        ...(v.sweep ? [stage('sweep', be.kind, 'every method on the same data')] : []),
        ...(spectrum
          ? [
              stage(
                'spectrum',
                'cpu',
                'singular values of P (TypeScript SVD)',
                be.kind === 'webgpu' ? 'the SVD has no GPU path' : undefined,
              ),
            ]
          : []),
        stage('metrics', 'cpu', 'errors, mass recall and FLOPs against dense'),
      ];
      return {
        stages,
        arrays: { out: nd(Float32Array.from(m.out), shape), ...m.arrays },
        metrics,
        timings: { dense: dense.ms, method: m.ms, selection: m.selectMs },
        views,
      };
    } finally {
      be.destroy();
    }
  },
  parity: attentionParity,
});
