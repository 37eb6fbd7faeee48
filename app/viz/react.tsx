/** Thin React wrappers over the d3/canvas view factories: React owns the element, the factory owns its inside. */
import { useCallback, useEffect, useRef } from 'react';
import { type Bar, type BarChartOptions, createBarChart } from './bar-chart';
import { download, type ExportMeta, pngWithCaption, safeName, svgDocument, svgToPng, toCsv } from './export';
import { useExportMeta } from './export-context';
import { createHeatmap, type HeatmapData } from './heatmap';
import { createLineChart, type LineChartOptions, type Series } from './line-chart';
import { sameInputs } from './same';
import { cancelDraw, flushDraw, onScreenNow, scheduleDraw, trackDrawTarget } from './schedule';

/**
 * React owns the element, the view factory owns its inside. The chart is drawn only when its inputs changed
 * (compared by content: panels may rebuild equal series on every render), and the draw is queued
 * (`scheduleDraw`), so the charts of one result or one progress report are drawn in separate tasks, those on
 * screen first. A change of width or font size (window resize, phone rotation, large text) redraws too (at
 * once when on screen): the layout is measured, not scaled, so labels keep their size and stay apart.
 */
function useView<V extends { destroy(): void }, I>(
  create: (el: HTMLElement) => V,
  inputs: I,
  draw: (v: V, inputs: I) => void,
) {
  const ref = useRef<HTMLDivElement>(null);
  const view = useRef<V | null>(null);
  const latest = useRef({ inputs, draw });
  latest.current = { inputs, draw };
  /** The inputs last queued for drawing, and the width:font key of the last draw ('' before the first). */
  const queued = useRef<{ inputs: I } | null>(null);
  const drawnKey = useRef('');
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    view.current = create(el);
    queued.current = null;
    drawnKey.current = '';
    const onChange = () => {
      if (!drawnKey.current || !view.current) return;
      const k = sizeKey(el);
      if (k === drawnKey.current) return;
      // On screen, or a new font size (large text: the old layout's labels would collide): redraw now.
      // A chart off screen whose width changed (say every chart below the fold when a scroll bar
      // appears) queues its redraw, so they do not all land in this one task; until then its SVG is
      // scaled to its box (max-width), text and all, so nothing overflows or collides meanwhile.
      const fontChanged = k.split(':')[1] !== drawnKey.current.split(':')[1];
      if (fontChanged || onScreenNow(el)) {
        cancelDraw(el);
        drawNow(el);
      } else scheduleDraw(el, () => drawNow(el));
    };
    const untrack = trackDrawTarget(el, onChange);
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(onChange) : null;
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      untrack();
      view.current?.destroy();
      view.current = null;
    };
  }, [create]);
  const drawNow = (el: HTMLElement) => {
    if (!view.current) return;
    // Read before drawing: the chart reads its width anyway, and a read after the draw would force a layout.
    drawnKey.current = sizeKey(el);
    latest.current.draw(view.current, latest.current.inputs);
  };
  useEffect(() => {
    const el = ref.current;
    if (!el || !view.current) return;
    if (queued.current && sameInputs(queued.current.inputs, inputs)) return;
    queued.current = { inputs };
    scheduleDraw(el, () => drawNow(el));
  });
  /** The view with any queued draw done (exports read its DOM). */
  const ready = () => {
    flushDraw(ref.current);
    return view.current;
  };
  return { ref, ready };
}

function sizeKey(el: HTMLElement): string {
  return `${el.clientWidth}:${getComputedStyle(el).fontSize}`;
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
  const { ref, ready } = useView(createLineChart, props, (v, p) => v.update(p.series, p));
  const csv = () =>
    toCsv(
      ['series', props.xLabel, props.yLabel, 'lo', 'hi'],
      props.series.flatMap((s) => s.points.map((p) => [s.name, p.x, p.y, p.lo ?? '', p.hi ?? ''])),
    );
  return (
    <figure className="viz" data-viz="line" data-title={props.title}>
      <div ref={ref} />
      <ExportBar title={props.title} actions={svgActions(props.title, () => ready()?.svg(), csv)} />
    </figure>
  );
}

export function BarChart(props: BarChartOptions & { bars: Bar[] }) {
  const { ref, ready } = useView(createBarChart, props, (v, p) => v.update(p.bars, p));
  const csv = () =>
    toCsv(
      ['label', props.yLabel],
      props.bars.map((b) => [b.label, b.value]),
    );
  return (
    <figure className="viz" data-viz="bar" data-title={props.title}>
      <div ref={ref} />
      <ExportBar title={props.title} actions={svgActions(props.title, () => ready()?.svg(), csv)} />
    </figure>
  );
}

export function Heatmap(props: HeatmapData) {
  // The heatmap keeps the callbacks of its last draw: give it stable ones that call the latest props'.
  const cb = useRef(props);
  cb.current = props;
  const onHover = useCallback((r: number, c: number, v: number) => cb.current.onCellHover?.(r, c, v), []);
  const onClick = useCallback((r: number, c: number, v: number) => cb.current.onCellClick?.(r, c, v), []);
  const inputs: HeatmapData = {
    ...props,
    onCellHover: props.onCellHover ? onHover : undefined,
    onCellClick: props.onCellClick ? onClick : undefined,
  };
  const { ref, ready } = useView(createHeatmap, inputs, (v, d) => v.update(d));
  const name = safeName(props.title);
  const actions: ExportAction[] = [
    {
      label: 'PNG',
      run: async (m) => {
        const c = ready()?.canvas();
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

export { type MetricRow, MetricTable } from './metric-table';

export type { Bar, HeatmapData, LineChartOptions, Series };
