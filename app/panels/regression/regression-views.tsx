/**
 * Views of the sparse regression lab: coefficient paths, CV curve, support recovery, error curves with
 * their theoretical rates, and the phase diagram with the Donoho–Tanner curve. Everything drawn comes
 * precomputed in result.views (or progress.partial while a run is going); nothing here computes.
 */
import { useMemo } from 'react';
import {
  type CvView,
  type HistView,
  type PathView,
  type PhaseView,
  regressionViews,
  type StemView,
  type SweepView,
} from '../../../workers/experiments/regression/views';
import { formatNumber } from '../../viz/format';
import { BarChart, Heatmap, LineChart, MetricTable, type Series } from '../../viz/react';
import type { LabViewProps } from '../types';

/** The phase diagram's batched kernel, as named in the chart's legend. */
const PHASE_KERNEL_NAME: Record<PhaseView['solver'], string> = { omp: 'OMP', fista: 'Lasso' };

const STATUS_COLOR: Record<string, string> = { TP: '#1b7837', FP: '#d6604d', miss: '#4393c3', TN: '#999999' };
const STATUS_TEXT: Record<string, string> = { TP: 'TP', FP: 'false +', miss: 'missed', TN: '' };

function PathChart({ path, title }: { path: PathView; title: string }) {
  // True-support features first (they get the colours, the legend and direct labels); the rest share one
  // grey dashed legend entry when there are many.
  // Built once per path (features × α points), not on every render.
  const series = useMemo((): Series[] => {
    const ordered = [...path.series].sort(
      (a, b) => Number(b.inSupport === true) - Number(a.inSupport === true),
    );
    return ordered.map((s) => ({
      name: s.inSupport === null ? s.name : s.inSupport ? `${s.name} ★ in w*` : `${s.name} (not in w*)`,
      label: s.name,
      group: s.inSupport === false ? 'features not in w*' : undefined,
      points: path.logAlpha.map((x, a) => ({ x, y: s.values[a] })),
      dashed: s.inSupport === false,
      color: s.inSupport === false ? '#9a9a9a' : undefined,
      markers: path.events !== undefined,
    }));
  }, [path]);
  const more =
    path.totalFeatures > path.shownFeatures
      ? ` (showing ${path.shownFeatures} of ${path.totalFeatures} features)`
      : '';
  return (
    <LineChart
      title={`${title}${more}`}
      xLabel="log₁₀ α (left: least regularised)"
      yLabel="coefficient"
      series={series}
      marks={path.chosen ? [{ x: path.chosen.logAlpha, label: path.chosen.label }] : undefined}
      directLabels="start"
      height={360}
    />
  );
}

function CvChart({ cv }: { cv: CvView }) {
  return (
    <LineChart
      title={`${cv.folds}-fold cross-validation: mean test MSE ± 1 standard error`}
      xLabel="log₁₀ α"
      yLabel="test MSE"
      series={[
        {
          name: 'mean test MSE',
          points: cv.logAlpha.map((x, a) => ({ x, y: cv.mean[a], lo: cv.lo[a], hi: cv.hi[a] })),
          markers: true,
        },
      ]}
      marks={[{ x: cv.chosenLogAlpha, label: 'chosen α (least mean MSE)' }]}
      height={300}
    />
  );
}

function StemChart({ stem }: { stem: StemView }) {
  const shown = stem.features.filter((f) => f.est !== 0 || (f.truth ?? 0) !== 0).slice(0, 60);
  const bars = shown.map((f) => ({
    label: `${f.name}${f.status && f.status !== 'TN' ? ` ${STATUS_TEXT[f.status]}` : ''}${f.truth !== null ? ` (w* ${formatNumber(f.truth, 3)})` : ''}`,
    value: f.est,
    color: f.status ? STATUS_COLOR[f.status] : undefined,
  }));
  const c = stem.counts;
  const title = c
    ? `Estimated coefficients: ${c.tp} true positives, ${c.fp} false positives, ${c.miss} missed`
    : 'Estimated coefficients (no true w* for this data)';
  if (!bars.length) return <p className="placeholder">All estimated coefficients are zero.</p>;
  return (
    <>
      <BarChart title={title} yLabel="estimate ŵ_j" layout="auto" bars={bars} />
      {c ? (
        <p className="note legend-note">
          Bars: <span style={{ color: STATUS_COLOR.TP }}>■</span> true positive,{' '}
          <span style={{ color: STATUS_COLOR.FP }}>■</span> false positive,{' '}
          <span style={{ color: STATUS_COLOR.miss }}>■</span> missed; labels give the status and the true
          value w*.
        </p>
      ) : null}
      {shown.length < stem.features.length || stem.shown < stem.total ? (
        <p className="note">
          Showing the nonzero and true-support features ({shown.length} of {stem.total}).
        </p>
      ) : null}
    </>
  );
}

function SweepChart({ sweep, title }: { sweep: SweepView; title: string }) {
  const series: Series[] = [
    ...sweep.series,
    ...sweep.theory.map((t) => ({ ...t, color: t.dashed ? '#555555' : '#888888' })),
  ];
  return (
    <>
      <LineChart
        title={title}
        xLabel={sweep.xLabel}
        yLabel={sweep.yLabel}
        xLog
        yLog
        series={series}
        height={360}
      />
      <p className="note">{sweep.note}</p>
      {sweep.reading ? (
        <p className="note">
          <strong>Our reading of the paper:</strong> {sweep.reading}
        </p>
      ) : null}
    </>
  );
}

function HistChart({ hist }: { hist: HistView }) {
  const centres = hist.edges.slice(0, -1).map((e, i) => (e + hist.edges[i + 1]) / 2);
  const series: Series[] = hist.series.map((s, i) => ({
    name: s.name,
    points: centres.map((x, b) => ({ x, y: s.counts[b] })),
    markers: true,
    dashed: i > 0,
  }));
  return <LineChart title={hist.title} xLabel={hist.xLabel} yLabel="supports" series={series} height={280} />;
}

function PhaseCharts({ phase, title }: { phase: PhaseView; title: string }) {
  const fmtAxis = (v: number) => v.toFixed(2);
  return (
    <>
      <Heatmap
        title={`${title} — ${phase.done} of ${phase.total} problems; colour = success fraction`}
        xLabel={`δ = n/d (${fmtAxis(phase.deltas[0])} → ${fmtAxis(phase.deltas[phase.deltas.length - 1])})`}
        yLabel={`ρ = k/n (top ${fmtAxis(phase.rhos[0])}, bottom ${fmtAxis(phase.rhos[phase.rhos.length - 1])})`}
        rows={phase.rows}
        cols={phase.cols}
        values={phase.values}
        colormap="viridis"
        domain={[0, 1]}
        overlay={{
          classes: phase.overlay,
          colors: ['#ffffff', '#ff7f0e', '#e377c2'],
          labels: ['Donoho–Tanner ℓ1 curve (theory)', 'empirical 50% success', 'both'],
        }}
        height={420}
      />
      <LineChart
        title="Phase transition: theory and measurement"
        xLabel="δ = n/d"
        yLabel="ρ = k/n"
        series={[
          {
            name: 'Donoho–Tanner ℓ1 curve (theory)',
            points: phase.curve.map((p) => ({ x: p.delta, y: p.rho })),
          },
          {
            name: `empirical 50% success (${PHASE_KERNEL_NAME[phase.solver]})`,
            points: phase.deltas.map((x, c) => ({ x, y: phase.empirical50[c] })),
            dashed: true,
            markers: true,
          },
        ]}
        height={300}
      />
    </>
  );
}

export function RegressionViews({ result, progress, running }: LabViewProps) {
  const live = running ? regressionViews(progress?.partial) : undefined;
  const data = live ?? regressionViews(result?.views);
  if (!data) {
    return (
      <p className="placeholder">
        {running ? (progress?.stage ?? 'Running…') : 'Run the experiment to see its views.'}
      </p>
    );
  }
  const tableRows = data.table.map((r) => ({ label: r.label, value: r.value, unit: r.unit, hint: r.hint }));
  return (
    <div className="views-grid">
      {data.path ? (
        <section className="card wide">
          <PathChart path={data.path} title={data.title} />
          {data.path.events ? (
            <p className="note">LARS events in order: {data.path.events.join(' ')}</p>
          ) : null}
        </section>
      ) : null}
      {data.cv ? (
        <section className="card">
          <CvChart cv={data.cv} />
        </section>
      ) : null}
      {data.sweep ? (
        <section className="card wide">
          <SweepChart sweep={data.sweep} title={data.title} />
        </section>
      ) : null}
      {data.hists?.map((h) => (
        <section className="card" key={h.title}>
          <HistChart hist={h} />
        </section>
      ))}
      {data.phase ? (
        <section className="card wide">
          <PhaseCharts phase={data.phase} title={data.title} />
        </section>
      ) : null}
      {data.stem ? (
        <section className="card">
          <StemChart stem={data.stem} />
        </section>
      ) : null}
      {tableRows.length || data.notes.length ? (
        <section className="card">
          {tableRows.length ? (
            <MetricTable caption={data.kind === 'fit' ? data.title : 'Metrics'} rows={tableRows} />
          ) : null}
          {data.notes.map((n) => (
            <p key={n} className="note">
              {n}
            </p>
          ))}
          {result?.parity && !running ? (
            <p className="note">
              Parity ({result.parity.status})
              {result.parity.maxRelDiff !== undefined
                ? `: max rel. diff ${formatNumber(result.parity.maxRelDiff, 2)}`
                : ''}
              {result.parity.compared ? `, ${result.parity.compared}` : ''}
              {result.parity.reason ? ` — ${result.parity.reason}` : ''}
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
