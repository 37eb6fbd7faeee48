/**
 * Views of the attention lab: the dense attention map with the method's mask outlined and a per-query error
 * strip beside it, a full-resolution zoom where the method fails most (or where a click on the map puts it:
 * the click sets the spec's zoomQ/zoomK, so the zoom is in the URL), the metrics, the error-vs-compute
 * sweep (points appear while it runs) and the SLA singular-value split. Everything arrives precomputed.
 */
import { useState } from 'react';
import {
  type AttentionViewsData,
  attentionPartial,
  attentionViews,
  type ChartView,
  cellCentre,
  type HeadMap,
  OVERLAY_COLORS,
  OVERLAY_LABELS,
  type SweepSeries,
  type TableView,
  type Zoom,
} from '../../../workers/experiments/attention/views-data';
import { ZOOM_SIZE } from '../../../workers/spec/attention';
import { Heatmap, LineChart, MetricTable, type Series } from '../../viz/react';
import type { LabViewProps } from '../types';

const overlayOf = (classes: number[] | null, show: boolean) =>
  classes && show ? { classes, colors: OVERLAY_COLORS, labels: OVERLAY_LABELS } : undefined;

export function AttentionViews({ values, result, progress, running, setValue }: LabViewProps) {
  const [head, setHead] = useState(0);
  const [showMask, setShowMask] = useState(true);
  const data = attentionViews(result?.views);
  const liveSweep = attentionPartial(progress?.partial)?.sweep ?? null;
  if (!data) {
    return (
      <div className="views-grid">
        <p className="placeholder">
          {running ? `${progress?.stage ?? 'Running'}…` : 'Run to see the attention map.'}
        </p>
        {liveSweep ? <SweepChart series={liveSweep} current={null} /> : null}
      </div>
    );
  }
  const h = Math.min(head, data.maps.length - 1);
  const map = data.maps[h];
  const zoomable = setValue && data.n > ZOOM_SIZE;
  // A click on a map cell centres the zoom on that cell's middle query and key (through the spec: URL, re-run).
  const zoomAt = zoomable
    ? (r: number, c: number) => {
        setValue('zoomQ', cellCentre(r, map.rows, data.n));
        setValue('zoomK', cellCentre(c, map.cols, data.n));
      }
    : undefined;
  const zoomChosen = (values.zoomQ ?? -1) !== -1 || (values.zoomK ?? -1) !== -1;
  return (
    <div className="views-grid">
      <section className="card">
        <h3>
          {data.methodLabel} — {data.causal ? 'causal' : 'bidirectional'}, N = {data.n}, d = {data.d}
        </h3>
        <div style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'center' }}>
          {data.heads > 1 ? (
            <label>
              Head{' '}
              <select value={h} onChange={(e) => setHead(Number(e.target.value))}>
                {data.maps.map((m) => (
                  <option key={m.head} value={m.head}>
                    {m.head}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {map.classes ? (
            <label>
              <input type="checkbox" checked={showMask} onChange={(e) => setShowMask(e.target.checked)} />{' '}
              outline the mask
            </label>
          ) : null}
        </div>
        <MapWithStrip map={map} showMask={showMask} n={data.n} onCellClick={zoomAt} />
        {zoomable ? (
          <p className="caption">Click a cell of the map to zoom there at full resolution.</p>
        ) : null}
      </section>
      <section className="card">
        <MetricTable caption="Against dense attention on the same Q, K, V" rows={data.table} />
        {data.notes.length ? (
          <ul className="notes">
            {data.notes.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        ) : null}
      </section>
      {data.zoom ? (
        <ZoomCard
          zoom={data.zoom}
          showMask={showMask}
          viewedHead={data.heads > 1 ? h : null}
          reset={
            setValue
              ? {
                  disabled: !zoomChosen,
                  run: () => {
                    setValue('zoomQ', -1);
                    setValue('zoomK', -1);
                  },
                }
              : null
          }
        />
      ) : null}
      {(data.sweep ?? liveSweep) ? (
        <SweepChart series={(data.sweep ?? liveSweep)!} current={result?.metrics.flopFraction ?? null} />
      ) : null}
      {(data.tables ?? []).map((t) => (
        <StudyTable key={t.id} table={t} />
      ))}
      {(data.charts ?? []).map((c) => (
        <StudyChart key={c.id} chart={c} />
      ))}
      {data.spectrum ? (
        <section className="card">
          <LineChart
            title={`Singular values of P (head ${data.spectrum.head}): top ${(data.spectrum.fraction * 100).toFixed(0)}% of each row vs the rest`}
            xLabel="index"
            yLabel="singular value"
            yLog
            series={spectrumSeries(data.spectrum)}
          />
          <p className="caption">
            Rank for 99% of the energy: whole {data.spectrum.rank99.full}, largest weights{' '}
            {data.spectrum.rank99.top}, remainder {data.spectrum.rank99.rest}. SLA’s observation: the few
            large weights are high rank, the remainder low rank.
          </p>
        </section>
      ) : null}
    </div>
  );
}

function ZoomCard({
  zoom,
  showMask,
  viewedHead,
  reset,
}: {
  zoom: Zoom;
  showMask: boolean;
  /** The head shown in the map when there are several (null for one head). */
  viewedHead: number | null;
  reset: { disabled: boolean; run: () => void } | null;
}) {
  const last = zoom.size - 1;
  // Results saved before the zoom was choosable have no centre: show the ranges only.
  const where =
    zoom.centreQ === undefined
      ? ''
      : ` around query ${zoom.centreQ}, key ${zoom.centreK} (${zoom.auto ? 'automatic: worst row' : 'chosen'})`;
  return (
    <section className="card" data-testid="attention-zoom">
      <Heatmap
        title={`Zoom, full resolution${where}: queries ${zoom.row0}–${zoom.row0 + last}, keys ${zoom.col0}–${zoom.col0 + last} (head ${zoom.head})`}
        xLabel="key"
        yLabel="query"
        rows={zoom.size}
        cols={zoom.size}
        values={zoom.logP}
        domain={[Math.max(-8, Math.min(...zoom.logP)), 0]}
        overlay={overlayOf(zoom.classes, showMask)}
      />
      <p className="caption">
        {zoom.why}; colour = log10 of the dense weight.
        {viewedHead !== null && viewedHead !== zoom.head
          ? ` The map above shows head ${viewedHead}; the zoom shows head ${zoom.head}.`
          : ''}
      </p>
      {reset ? (
        <button
          type="button"
          className="small"
          data-testid="zoom-reset"
          disabled={reset.disabled}
          title="Centre the zoom on the query with the largest error again (zoomQ = zoomK = −1)"
          onClick={reset.run}
        >
          Zoom: automatic (worst row)
        </button>
      ) : null}
    </section>
  );
}

function MapWithStrip({
  map,
  showMask,
  n,
  onCellClick,
}: {
  map: HeadMap;
  showMask: boolean;
  n: number;
  onCellClick?: (r: number, c: number) => void;
}) {
  const cellRows = n / map.rows;
  return (
    <div style={{ display: 'flex', gap: '0.5rem', alignItems: 'flex-start' }}>
      <div style={{ flex: '1 1 auto', minWidth: 0 }}>
        <Heatmap
          title={`Dense attention, log10 mean weight per cell (${map.rows}×${map.cols}${cellRows > 1 ? `, ${cellRows.toFixed(1)} tokens per cell` : ''})`}
          xLabel="key"
          yLabel="query"
          rows={map.rows}
          cols={map.cols}
          values={map.logP}
          domain={map.domain}
          overlay={overlayOf(map.classes, showMask)}
          onCellClick={onCellClick}
        />
      </div>
      <div style={{ flex: '0 0 clamp(3.2rem, 14%, 7rem)', minWidth: 0 }}>
        <Heatmap
          title="Row error"
          xLabel="max"
          yLabel="query"
          rows={map.rows}
          cols={1}
          values={map.rowErrorMax}
          colormap="cividis"
        />
      </div>
      {map.rowRecall ? (
        <div style={{ flex: '0 0 clamp(3.2rem, 14%, 7rem)', minWidth: 0 }}>
          <Heatmap
            title="Kept mass"
            xLabel="mean"
            yLabel="query"
            rows={map.rows}
            cols={1}
            values={map.rowRecall}
            colormap="cividis"
            domain={[0, 1]}
          />
        </div>
      ) : null}
    </div>
  );
}

function SweepChart({ series, current }: { series: SweepSeries[]; current: number | null }) {
  const s: Series[] = series.map((x) => ({
    name: x.name,
    markers: true,
    points: x.points.map((p) => ({ x: p.x, y: p.y })),
  }));
  return (
    <section className="card">
      <LineChart
        title="Error vs compute on the same data (each point as it is computed)"
        xLabel="fraction of dense FLOPs"
        yLabel="relative L2 error vs dense"
        xLog
        series={s}
        marks={current !== null ? [{ x: current, label: 'this run' }] : undefined}
      />
      <p className="caption">
        Dense is the anchor at (1, 0), drawn on the log axis at x = 1. Hover a point for its exact values.
      </p>
    </section>
  );
}

function StudyChart({ chart }: { chart: ChartView }) {
  return (
    <section className="card" data-testid={`attention-chart-${chart.id}`}>
      <LineChart
        title={chart.title}
        xLabel={chart.xLabel}
        yLabel={chart.yLabel}
        xLog={chart.xLog}
        yLog={chart.yLog}
        series={chart.series.map((x) => ({
          name: x.name,
          markers: true,
          dashed: x.dashed,
          points: x.points,
        }))}
      />
      <p className="caption">{chart.caption}</p>
    </section>
  );
}

function StudyTable({ table }: { table: TableView }) {
  return (
    <section className="card" data-testid={`attention-table-${table.id}`}>
      <table className="metrics">
        <caption>{table.caption}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            {table.links ? <th scope="col">link</th> : null}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={String(r[0]) + String(i)}>
              {r.map((x, j) => (
                <td key={table.columns[j]}>{typeof x === 'number' ? formatNumber(x) : x}</td>
              ))}
              {table.links ? (
                <td>{table.links[i] ? <a href={table.links[i] ?? undefined}>open</a> : '—'}</td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {table.note ? <p className="caption">{table.note}</p> : null}
    </section>
  );
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toPrecision(3);
}

function spectrumSeries(sp: NonNullable<AttentionViewsData['spectrum']>): Series[] {
  const pts = (xs: number[]) => xs.map((y, i) => ({ x: i + 1, y }));
  return [
    { name: 'whole P', points: pts(sp.full) },
    { name: 'largest weights', points: pts(sp.top) },
    { name: 'remainder', points: pts(sp.rest), dashed: true },
  ];
}
