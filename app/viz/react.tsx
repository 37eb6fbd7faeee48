/** Thin React wrappers over the d3/canvas view factories: React owns the element, the factory owns its inside. */
import { useEffect, useRef } from 'react';
import { type Bar, type BarChartOptions, createBarChart } from './bar-chart';
import { createHeatmap, type HeatmapData } from './heatmap';
import { createLineChart, fmt, type LineChartOptions, type Series } from './line-chart';

function useView<V extends { destroy(): void }>(create: (el: HTMLElement) => V, draw: (v: V) => void) {
  const ref = useRef<HTMLDivElement>(null);
  const view = useRef<V | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    view.current = create(ref.current);
    return () => {
      view.current?.destroy();
      view.current = null;
    };
  }, [create]);
  useEffect(() => {
    if (view.current) draw(view.current);
  });
  return ref;
}

export function LineChart(props: LineChartOptions & { series: Series[] }) {
  const ref = useView(createLineChart, (v) => v.update(props.series, props));
  return <div ref={ref} className="viz" data-viz="line" data-title={props.title} />;
}

export function Heatmap(props: HeatmapData) {
  const ref = useView(createHeatmap, (v) => v.update(props));
  return <div ref={ref} className="viz" data-viz="heatmap" data-title={props.title} />;
}

export function BarChart(props: BarChartOptions & { bars: Bar[] }) {
  const ref = useView(createBarChart, (v) => v.update(props.bars, props));
  return <div ref={ref} className="viz" data-viz="bar" data-title={props.title} />;
}

export interface MetricRow {
  label: string;
  value: number | string;
  unit?: string;
  hint?: string;
}

export function MetricTable({ rows, caption }: { rows: MetricRow[]; caption?: string }) {
  return (
    <table className="metrics">
      {caption ? <caption>{caption}</caption> : null}
      <tbody>
        {rows.map((r) => (
          <tr key={r.label} title={r.hint}>
            <th scope="row">{r.label}</th>
            <td className={typeof r.value === 'number' && !Number.isFinite(r.value) ? 'bad' : undefined}>
              {typeof r.value === 'number'
                ? Number.isFinite(r.value)
                  ? fmt(r.value)
                  : `${r.value} ⚠`
                : r.value}
              {r.unit ? <span className="unit"> {r.unit}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export type { Bar, HeatmapData, LineChartOptions, Series };
