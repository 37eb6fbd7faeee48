/**
 * Views of the pruning lab: the mask as an image (click to zoom to full resolution, N:M groups shaded),
 * per-row and per-column sparsity, the score distribution with the threshold, method-specific charts,
 * the sparse kernel against dense, what ran where, and (sweep) error against sparsity for every method.
 */
import { useState } from 'react';
import type { NdArray } from '../../../workers/core/ndarray';
import type {
  GridView,
  KernelPoint,
  KernelView,
  MethodViews,
  PruningPartial,
  PruningViews as PruningViewsData,
  ScoreHistogram,
  StageRecord,
  SweepPoint,
  TrainingCurve,
} from '../../../workers/experiments/pruning/views-data';
import { BarChart, Heatmap, LineChart, MetricTable, type Series } from '../../viz/react';
import type { LabViewProps } from '../types';

const ZOOM_ROWS = 32;
const ZOOM_COLS = 64;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#7f7f7f'];

export function PruningViews({ result, progress, values }: LabViewProps) {
  const [zoom, setZoom] = useState<{ r: number; c: number } | null>(null);
  // The runner builds these with the types of views-data.ts; RunResult carries them as plain JSON.
  const views = result?.views as PruningViewsData | undefined;
  const partial = progress?.partial as PruningPartial | undefined;
  const livePoints: SweepPoint[] | null = partial?.points ?? null;
  if (values.study === 'training') {
    const curves = views?.curves ?? partial?.curves;
    if (!curves) return <p className="placeholder">Training the digits MLP…</p>;
    return (
      <div className="views-grid">
        <TrainingCharts curves={curves} result={result} />
        {result ? <Stages stages={views?.stages ?? []} /> : null}
      </div>
    );
  }
  if (values.study === 'sweep') {
    const points = views?.points ?? livePoints;
    if (!points) return <p className="placeholder">Pruning the layer with every method…</p>;
    const kernels = views?.kernelPoints ?? partial?.kernelPoints ?? [];
    return (
      <div className="views-grid">
        <SweepChart points={points} dense={views?.denseAccuracy ?? partial?.denseAccuracy} />
        {kernels.length ? <KernelSweep points={kernels} /> : null}
        {result ? <Stages stages={views?.stages ?? []} /> : null}
      </div>
    );
  }
  // The last result may belong to another study (a sweep, the network) until this run finishes.
  const v: PruningViewsData = views ?? {};
  const { method, layer, mask, scores, kernel } = v;
  if (!result || !method || !layer) return <p className="placeholder">Pruning the layer…</p>;
  const m = result.metrics;
  const extra = Object.entries(m).filter(([k]) => !['relErr', 'relErrCalibration', 'sparsity'].includes(k));
  return (
    <div className="views-grid">
      <section className="card">
        <MetricTable
          caption={`${method.label}${v.pattern ? `, ${v.pattern}` : ''} on W ${layer.rows}×${layer.cols}`}
          rows={[
            {
              label: 'relErr (held-out)',
              value: m.relErr,
              hint: `‖(W − Ŵ)Xᵀ‖_F / ‖WXᵀ‖_F on ${layer.held} held-out tokens`,
            },
            {
              label: 'relErr (calibration)',
              value: m.relErrCalibration,
              hint: `${layer.tokens} calibration tokens`,
            },
            {
              label: 'Sparsity',
              value: m.sparsity,
              hint: 'Fraction of weights (R-Sparse: MACs; CoSpaDi: stored values) saved',
            },
            ...extra.map(([k, val]) => ({ label: k, value: val })),
          ]}
        />
        <ul className="notes">
          <li>Layer: {layer.notes}</li>
          <li>Method: {method.help}</li>
          <li>Departures: {method.departures}</li>
          <li>{method.gpu}</li>
        </ul>
      </section>
      {mask ? (
        <section className="card">
          <Heatmap
            title={`Mask (kept fraction per ${mask.rowStep}×${mask.colStep} cell; 1 = kept)`}
            xLabel="input j"
            yLabel="output row i"
            rows={mask.rows}
            cols={mask.cols}
            values={mask.values}
            colormap="cividis"
            domain={[0, 1]}
            onCellClick={(r, c) => setZoom({ r: r * mask.rowStep, c: c * mask.colStep })}
          />
          <p className="caption">Click the mask to zoom to full resolution there.</p>
        </section>
      ) : null}
      {v.actMask ? (
        <section className="card">
          <Heatmap
            title="Activation mask on held-out tokens (1 = through W, 0 = through the low-rank part)"
            xLabel="input channel j"
            yLabel="token t"
            rows={v.actMask.rows}
            cols={v.actMask.cols}
            values={v.actMask.values}
            colormap="cividis"
            domain={[0, 1]}
          />
        </section>
      ) : null}
      {mask && result.arrays.mask ? (
        <MaskZoom mask={result.arrays.mask} at={zoom ?? { r: 0, c: 0 }} groupM={mask.groupM} />
      ) : null}
      {mask ? (
        <section className="card">
          <LineChart
            title="Sparsity per output row and per input column"
            xLabel="row i / column j"
            yLabel="fraction pruned"
            series={[
              { name: 'per row', points: mask.rowSparsity.map((y, x) => ({ x, y })) },
              { name: 'per column', points: mask.colSparsity.map((y, x) => ({ x, y })), dashed: true },
            ]}
          />
        </section>
      ) : null}
      {scores ? <ScoreChart h={scores} /> : null}
      {v.scoreMap && v.weightMap ? (
        <ScoreMaps score={v.scoreMap} weight={v.weightMap} label={method.label} />
      ) : null}
      <MethodCharts views={v} metrics={m} />
      {kernel ? <KernelChart k={kernel} /> : null}
      <Stages stages={v.stages ?? []} />
    </div>
  );
}

function MaskZoom({ mask, at, groupM }: { mask: NdArray; at: { r: number; c: number }; groupM: number }) {
  const [rows, cols] = mask.shape;
  const r0 = Math.max(0, Math.min(at.r, rows - ZOOM_ROWS));
  const c0 = Math.max(0, Math.min(at.c, cols - ZOOM_COLS));
  const zr = Math.min(ZOOM_ROWS, rows);
  const zc = Math.min(ZOOM_COLS, cols);
  const data = mask.data as Uint8Array;
  const values: number[] = [];
  for (let i = 0; i < zr; i++)
    for (let j = 0; j < zc; j++) {
      const k = data[(r0 + i) * cols + c0 + j];
      // Alternate N:M groups are shaded slightly differently so the groups are visible.
      const odd = groupM > 0 && Math.floor((c0 + j) / groupM) % 2 === 1;
      values.push(k ? (odd ? 0.82 : 1) : odd ? 0.18 : 0);
    }
  return (
    <section className="card">
      <Heatmap
        title={`Mask at full resolution: rows ${r0}–${r0 + zr - 1}, inputs ${c0}–${c0 + zc - 1}`}
        xLabel={`input j − ${c0}`}
        yLabel={`row i − ${r0}`}
        rows={zr}
        cols={zc}
        values={values}
        colormap="cividis"
        domain={[0, 1]}
      />
      <p className="caption">
        Bright = kept, dark = pruned
        {groupM > 0 ? `; alternate groups of ${groupM} inputs are shaded slightly apart` : ''}.
      </p>
    </section>
  );
}

function ScoreMaps({ score, weight, label }: { score: GridView; weight: GridView; label: string }) {
  return (
    <section className="card">
      <Heatmap
        title="log10 |W| (block-averaged)"
        xLabel="input j"
        yLabel="output row i"
        rows={weight.rows}
        cols={weight.cols}
        values={weight.values}
        colormap="viridis"
      />
      <Heatmap
        title={`log10 of the ${label} score (block-averaged)`}
        xLabel="input j"
        yLabel="output row i"
        rows={score.rows}
        cols={score.cols}
        values={score.values}
        colormap="viridis"
      />
      <p className="caption">
        Where the inputs have outlier channels, Wanda’s score shows them as bright columns that |W| alone does
        not.
      </p>
    </section>
  );
}

function ScoreChart({ h }: { h: ScoreHistogram }) {
  const mid = h.edges.slice(0, -1).map((e, i) => (e + h.edges[i + 1]) / 2);
  return (
    <section className="card">
      <LineChart
        title={`Distribution of the ${h.label} (log10), kept vs pruned`}
        xLabel="log10 score"
        yLabel="weights"
        series={[
          { name: 'kept', points: mid.map((x, i) => ({ x, y: h.kept[i] })) },
          { name: 'pruned', points: mid.map((x, i) => ({ x, y: h.pruned[i] })), dashed: true },
        ]}
        marks={h.threshold !== null ? [{ x: h.threshold, label: 'largest pruned score' }] : []}
      />
      <p className="caption">
        Per-row and per-block methods have one threshold per group, so kept and pruned overlap; the mark is
        the largest pruned score.
      </p>
    </section>
  );
}

function MethodCharts({ views, metrics }: { views: MethodViews; metrics: Record<string, number> }) {
  const out: React.ReactNode[] = [];
  const before = views.shiftBefore;
  const after = views.shiftAfter;
  if (before && after) {
    const order = before.map((_, i) => i).sort((a, b) => before[b] - before[a]);
    out.push(
      <section className="card" key="dsnot">
        <LineChart
          title="DSnoT: |e_i| (expected output shift) per row, before and after"
          xLabel="row (sorted by |e| before)"
          yLabel="|e_i|"
          series={[
            { name: 'initial mask', points: order.map((i, x) => ({ x, y: before[i] })) },
            { name: 'after DSnoT', points: order.map((i, x) => ({ x, y: after[i] })), dashed: true },
          ]}
        />
      </section>,
    );
  }
  const spectrum = views.spectrum;
  if (spectrum) {
    out.push(
      <section className="card" key="spectrum">
        <LineChart
          title="Singular values of W (R-Sparse’s gain depends on how fast they decay)"
          xLabel="index"
          yLabel="σ"
          yLog
          series={[{ name: 'σ', points: spectrum.map((y, x) => ({ x, y: Math.max(y, 1e-12) })) }]}
          marks={metrics.rank !== undefined ? [{ x: metrics.rank, label: `rank r = ${metrics.rank}` }] : []}
        />
      </section>,
    );
  }
  const hist = views.kSvdHistory;
  if (hist && metrics.relErrSvdCalibrated !== undefined) {
    out.push(
      <section className="card" key="cospadi">
        <BarChart
          title={`CoSpaDi vs truncated SVD with the same ${metrics.storedValues} stored values (held-out relErr)`}
          yLabel="relErr"
          bars={[
            { label: 'CoSpaDi (our reading)', value: metrics.relErr ?? 0 },
            { label: `SVD, calibrated, rank ${metrics.svdRank}`, value: metrics.relErrSvdCalibrated },
            { label: `SVD of W, rank ${metrics.svdRank}`, value: metrics.relErrSvdPlain },
          ]}
        />
        <p className="caption">
          K-SVD fit error by iteration (in the calibrated norm): {hist.map((x) => x.toFixed(4)).join(' → ')}.
        </p>
      </section>,
    );
  }
  return <>{out}</>;
}

function KernelChart({ k }: { k: KernelView }) {
  return (
    <section className="card">
      <BarChart
        title={`Pruned layer × held-out tokens on the GPU: ${k.format} vs our dense tiled matmul`}
        yLabel="kernel time (ms)"
        bars={[
          { label: 'sparse', value: k.sparseMs },
          { label: 'dense', value: k.denseMs },
        ]}
      />
      <p className="caption">
        Speed-up {(k.denseMs / k.sparseMs).toFixed(2)}× (ideal {k.ideal.toFixed(2)}× = dense/sparse
        multiply-adds); weights {(k.bytesSparse / 1024).toFixed(1)} KiB vs {(k.bytesDense / 1024).toFixed(1)}{' '}
        KiB dense ({((1 - k.bytesSparse / k.bytesDense) * 100).toFixed(1)}% saved). On a software adapter only
        the ratio means anything; `npm run bench -- --only pruning` measures it at fixed sizes.
      </p>
    </section>
  );
}

function KernelSweep({ points }: { points: KernelPoint[] }) {
  const un = points.filter((p) => !p.pattern.includes(':')).sort((a, b) => a.sparsity - b.sparsity);
  const nm = points.filter((p) => p.pattern.includes(':'));
  return (
    <section className="card">
      <LineChart
        title="Sparse kernel speed-up over our dense tiled matmul (magnitude masks), with the ideal"
        xLabel="sparsity"
        yLabel="dense time / sparse time"
        series={[
          {
            name: 'CSR (unstructured)',
            markers: true,
            points: un.map((p) => ({ x: p.sparsity, y: p.denseMs / p.sparseMs })),
          },
          { name: 'ideal 1/(1 − s)', dashed: true, points: un.map((p) => ({ x: p.sparsity, y: p.ideal })) },
          ...(nm.length
            ? [
                {
                  name: 'N:M compressed (2:4, 4:8)',
                  markers: true,
                  points: nm.map((p) => ({ x: p.sparsity, y: p.denseMs / p.sparseMs })),
                },
              ]
            : []),
        ]}
      />
      <p className="caption">
        Kernel times on this adapter; on a software adapter only the ratios mean anything.
      </p>
    </section>
  );
}

function Stages({ stages }: { stages: StageRecord[] | undefined }) {
  if (!stages?.length) return null;
  // Long lists (the sweep) are summed per method and backend.
  const rows =
    stages.length <= 12
      ? stages.map((s) => ({ label: `${s.stage} [${s.backend}]`, value: s.ms, unit: 'ms' }))
      : [
          ...stages
            .reduce((m, s) => {
              const key = `${s.stage.split(' ')[0]} [${s.backend}]`;
              const e = m.get(key) ?? { ms: 0, n: 0 };
              m.set(key, { ms: e.ms + s.ms, n: e.n + 1 });
              return m;
            }, new Map<string, { ms: number; n: number }>())
            .entries(),
        ].map(([label, e]) => ({ label: `${label} ×${e.n}`, value: e.ms, unit: 'ms' }));
  return (
    <section className="card">
      <MetricTable caption="What ran, where" rows={rows} />
    </section>
  );
}

function TrainingCharts({ curves, result }: { curves: TrainingCurve[]; result: LabViewProps['result'] }) {
  const m = result?.metrics;
  const soup = (result?.views as PruningViewsData | undefined)?.soup;
  return (
    <>
      <section className="card">
        <LineChart
          title="Digits MLP: test accuracy per epoch, dense vs one-shot vs gradual pruning"
          xLabel="epoch"
          yLabel="test accuracy"
          series={curves.map((c, i) => ({
            name: c.name,
            color: COLORS[i % COLORS.length],
            points: c.accuracy.map((y, x) => ({
              x: c.name.startsWith('one-shot') ? x + 1 + Math.floor(curves[0].accuracy.length / 2) : x + 1,
              y,
            })),
          }))}
        />
        <p className="caption">{String(result?.views?.schedule ?? '')}</p>
      </section>
      {m ? (
        <section className="card">
          <MetricTable
            caption="Final test accuracy (same epochs for every schedule)"
            rows={[
              { label: 'dense', value: m.accuracyDense },
              { label: 'one-shot at E/2, no fine-tuning', value: m.accuracyOneShotNoFinetune },
              { label: 'one-shot at E/2 + fine-tuning', value: m.accuracyOneShotFinetuned },
              { label: 'gradual', value: m.accuracyGradual },
              {
                label: 'sparsity (one-shot / gradual)',
                value: `${m.sparsityOneShot.toFixed(4)} / ${m.sparsityGradual.toFixed(4)}`,
              },
            ]}
          />
        </section>
      ) : null}
      {soup && m ? (
        <section className="card">
          <BarChart
            title="Sparse soup: fine-tunes sharing one mask, and their average"
            yLabel="test accuracy"
            bars={[
              ...soup.ingredients.map((a, i) => ({
                label: `lr ${soup.recipes[i][0]}, wd ${soup.recipes[i][1]}`,
                value: a,
              })),
              { label: 'soup (average)', value: soup.soup, color: '#d62728' },
            ]}
          />
          <p className="caption">
            Soup sparsity {m.sparsitySoup.toFixed(4)} = ingredient sparsity {m.sparsityIngredient.toFixed(4)}{' '}
            (the mask is shared, so averaging keeps it). At this scale the soup beats the average ingredient
            at best, not every ingredient (the paper’s ImageNet/CIFAR result is not reproduced here).
          </p>
        </section>
      ) : null}
    </>
  );
}

function SweepChart({ points, dense }: { points: SweepPoint[]; dense?: number }) {
  const acc = points.some((p) => p.accuracy !== undefined);
  const yOf = (p: SweepPoint) => (acc ? (p.accuracy ?? Number.NaN) : p.relErr);
  const byMethod = new Map<string, { label: string; un: SweepPoint[]; nm: SweepPoint[] }>();
  for (const p of points) {
    const e = byMethod.get(p.method) ?? { label: p.label, un: [], nm: [] };
    (p.pattern === '2:4' || p.pattern === '4:8' ? e.nm : e.un).push(p);
    byMethod.set(p.method, e);
  }
  const series: Series[] = [];
  [...byMethod.entries()].forEach(([id, e], i) => {
    const color = COLORS[i % COLORS.length];
    series.push({
      name: e.label,
      color,
      markers: true,
      dashed: id === 'svd',
      points: e.un.map((p) => ({ x: p.sparsity, y: yOf(p) })).sort((a, b) => a.x - b.x),
    });
    if (e.nm.length)
      series.push({
        name: `${e.label}: ${e.nm.map((p) => p.pattern).join(', ')}`,
        color,
        markers: true,
        points: e.nm.map((p) => ({ x: p.sparsity + (p.pattern === '4:8' ? 0.01 : -0.01), y: yOf(p) })),
      });
  });
  if (acc && dense !== undefined)
    series.push({
      name: `dense network (${dense.toFixed(3)})`,
      color: '#000000',
      dashed: true,
      points: [
        { x: 0.1, y: dense },
        { x: 0.9, y: dense },
      ],
    });
  return (
    <section className="card">
      <LineChart
        title={
          acc
            ? 'Digits MLP: test accuracy against sparsity, every method (both layers pruned)'
            : 'Held-out output error against sparsity, every method on the same layer'
        }
        xLabel="sparsity (weights; R-Sparse: MACs; CoSpaDi/SVD: stored values)"
        yLabel={acc ? 'test accuracy' : 'relErr = ‖(W − Ŵ)Xᵀ‖ / ‖WXᵀ‖'}
        series={series}
      />
      <p className="caption">
        N:M points (2:4 left of 0.5, 4:8 right of it) are drawn beside the unstructured curve of the same
        method. CoSpaDi points use k atoms and s = k/4 non-zeros per row sized to the sparsity, {`≤ 3`} K-SVD
        iterations.
      </p>
    </section>
  );
}
