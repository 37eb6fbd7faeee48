/** Thin React wrappers over the d3/canvas view factories: React owns the element, the factory owns its inside. */
import { useEffect, useRef } from 'react';
import { type Bar, type BarChartOptions, createBarChart } from './bar-chart';
import { download, type ExportMeta, pngWithCaption, safeName, svgDocument, svgToPng, toCsv } from './export';
import { useExportMeta } from './export-context';
import { exact, formatWithUnit } from './format';
import { createHeatmap, type HeatmapData } from './heatmap';
import { createLineChart, type LineChartOptions, type Series } from './line-chart';

function useView<V extends { destroy(): void }>(create: (el: HTMLElement) => V, draw: (v: V) => void) {
  const ref = useRef<HTMLDivElement>(null);
  const view = useRef<V | null>(null);
  const latest = useRef(draw);
  latest.current = draw;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    view.current = create(el);
    // Redraw when the chart's width or font size changes (window resize, phone rotation, large text):
    // the layout is measured, not scaled, so labels keep their size and stay apart.
    let last = '';
    const key = () => `${el.clientWidth}:${getComputedStyle(el).fontSize}`;
    const ro =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver(() => {
            const k = key();
            if (k !== last && view.current) {
              last = k;
              latest.current(view.current);
            }
          })
        : null;
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      view.current?.destroy();
      view.current = null;
    };
  }, [create]);
  useEffect(() => {
    if (view.current) draw(view.current);
  });
  return { ref, view };
}

interface ExportAction {
  label: string;
  run(meta: ExportMeta): Promise<void> | void;
}

function ExportBar({ title, actions }: { title: string; actions: ExportAction[] }) {
  const meta = useExportMeta();
  return (
    <fieldset className="export-bar" aria-label={`Export ${title}`}>
      {actions.map((a) => (
        <button
          key={a.label}
          type="button"
          className="small"
          aria-label={`Export ${title} as ${a.label}`}
          onClick={() => void a.run(meta)}
        >
          {a.label}
        </button>
      ))}
    </fieldset>
  );
}

function svgActions(title: string, svg: () => SVGSVGElement | undefined, csv: () => string): ExportAction[] {
  const name = safeName(title);
  return [
    {
      label: 'SVG',
      run: (m) => {
        const el = svg();
        if (el) download(`${name}.svg`, svgDocument(el, title, m), 'image/svg+xml');
      },
    },
    {
      label: 'PNG',
      run: async (m) => {
        const el = svg();
        if (el)
          download(`${name}.png`, (await svgToPng(el, title, m)) as Uint8Array<ArrayBuffer>, 'image/png');
      },
    },
    { label: 'CSV', run: () => download(`${name}.csv`, csv(), 'text/csv') },
  ];
}

export function LineChart(props: LineChartOptions & { series: Series[] }) {
  const { ref, view } = useView(createLineChart, (v) => v.update(props.series, props));
  const csv = () =>
    toCsv(
      ['series', props.xLabel, props.yLabel, 'lo', 'hi'],
      props.series.flatMap((s) => s.points.map((p) => [s.name, p.x, p.y, p.lo ?? '', p.hi ?? ''])),
    );
  return (
    <figure className="viz" data-viz="line" data-title={props.title}>
      <div ref={ref} />
      <ExportBar title={props.title} actions={svgActions(props.title, () => view.current?.svg(), csv)} />
    </figure>
  );
}

export function BarChart(props: BarChartOptions & { bars: Bar[] }) {
  const { ref, view } = useView(createBarChart, (v) => v.update(props.bars, props));
  const csv = () =>
    toCsv(
      ['label', props.yLabel],
      props.bars.map((b) => [b.label, b.value]),
    );
  return (
    <figure className="viz" data-viz="bar" data-title={props.title}>
      <div ref={ref} />
      <ExportBar title={props.title} actions={svgActions(props.title, () => view.current?.svg(), csv)} />
    </figure>
  );
}

export function Heatmap(props: HeatmapData) {
  const { ref, view } = useView(createHeatmap, (v) => v.update(props));
  const name = safeName(props.title);
  const actions: ExportAction[] = [
    {
      label: 'PNG',
      run: async (m) => {
        const c = view.current?.canvas();
        if (c)
          download(
            `${name}.png`,
            (await pngWithCaption(c, c.width, c.height, props.title, m)) as Uint8Array<ArrayBuffer>,
            'image/png',
          );
      },
    },
    {
      label: 'CSV',
      run: () => {
        const rows: number[][] = [];
        for (let r = 0; r < props.rows; r++)
          rows.push(Array.from({ length: props.cols }, (_, c) => props.values[r * props.cols + c]));
        download(
          `${name}.csv`,
          toCsv(
            Array.from({ length: props.cols }, (_, c) => `${props.xLabel} ${c}`),
            rows,
          ),
          'text/csv',
        );
      },
    },
  ];
  return (
    <figure className="viz" data-viz="heatmap" data-title={props.title}>
      <div ref={ref} />
      <ExportBar title={props.title} actions={actions} />
    </figure>
  );
}

export interface MetricRow {
  label: string;
  value: number | string;
  unit?: string;
  hint?: string;
}

/** Metrics to a few significant digits (durations in human units); the exact value on hover. */
export function MetricTable({ rows, caption }: { rows: MetricRow[]; caption?: string }) {
  return (
    <table className="metrics">
      {caption ? <caption>{caption}</caption> : null}
      <tbody>
        {rows.map((r) => {
          const num = typeof r.value === 'number';
          const finite = num && Number.isFinite(r.value as number);
          const f = finite ? formatWithUnit(r.value as number, r.unit) : null;
          const title = [r.hint, num ? `exact: ${exact(r.value as number)}${r.unit ? ` ${r.unit}` : ''}` : '']
            .filter(Boolean)
            .join(' — ');
          return (
            <tr key={r.label} title={title || undefined}>
              <th scope="row">{r.label}</th>
              <td
                className={num && !finite ? 'bad' : undefined}
                data-exact={num ? exact(r.value as number) : undefined}
              >
                {f ? f.text : num ? `${r.value} ⚠` : r.value}
                {(f ? f.unit : r.unit) ? <span className="unit"> {f ? f.unit : r.unit}</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export type { Bar, HeatmapData, LineChartOptions, Series };
