/** Multi-series line chart (SVG, d3 scales and axes): log axes, spread bands, dashed guides, hover readout. */
import * as d3 from 'd3';
import { CATEGORICAL } from './colormaps';

export interface Point {
  x: number;
  y: number;
  lo?: number;
  hi?: number;
}

export interface Series {
  name: string;
  points: Point[];
  dashed?: boolean;
  color?: string;
  markers?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  marks?: Array<{ x: number; label: string }>;
  height?: number;
}

/** Draws a title that wraps onto as many lines as the width needs; returns the height it took. */
export function wrapTitle(
  svg: d3.Selection<SVGSVGElement, unknown, null, undefined>,
  title: string,
  width: number,
): number {
  // Average bold glyph width ≈ 0.6 em of the chart's font (larger in the projector's large-text mode).
  const node = svg.node();
  const em = node ? Number.parseFloat(getComputedStyle(node).fontSize) || 15 : 15;
  const perLine = Math.max(16, Math.floor((width - 12) / (em * 0.6)));
  const lines: string[] = [];
  let cur = '';
  for (const word of title.split(/\s+/)) {
    if (cur && (cur + word).length + 1 > perLine) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  const lineH = em * 1.15;
  const t = svg.append('text').attr('class', 'chart-title').attr('x', 6).attr('y', lineH);
  lines.forEach((l, i) => {
    t.append('tspan')
      .attr('x', 6)
      .attr('dy', i === 0 ? 0 : lineH)
      .text(l);
  });
  return lineH * lines.length + 8;
}

function usable(p: Point, o: LineChartOptions): boolean {
  return Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.xLog || p.x > 0) && (!o.yLog || p.y > 0);
}

export function createLineChart(el: HTMLElement) {
  const root = d3.select(el).append('div').attr('class', 'chart');
  const svg = root.append('svg').attr('role', 'img');
  const warn = root.append('div').attr('class', 'chart-warning').attr('role', 'status');
  const tip = root.append('div').attr('class', 'chart-tip').style('display', 'none');
  const legend = root.append('div').attr('class', 'chart-legend');

  function update(series: Series[], o: LineChartOptions): void {
    const width = Math.max(280, el.clientWidth || 560);
    svg.selectAll('*').remove();
    const titleH = wrapTitle(svg, o.title, width);
    const height = (o.height ?? 300) + titleH - 22;
    const M = { top: titleH + 8, right: 16, bottom: 44, left: 60 };
    svg
      .attr('viewBox', `0 0 ${width} ${height}`)
      .attr('width', width)
      .attr('height', height)
      .attr('aria-label', o.title);
    let dropped = 0;
    const clean = series.map((s) => {
      const pts = s.points.filter((p) => usable(p, o));
      dropped += s.points.length - pts.length;
      return { ...s, points: pts };
    });
    warn.text(dropped ? `${dropped} point(s) not plotted: NaN, infinite or not positive on a log axis` : '');
    const all = clean.flatMap((s) => s.points);
    const xs = all.map((p) => p.x);
    const ys = all
      .flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y])
      .filter((v) => Number.isFinite(v) && (!o.yLog || v > 0));
    const xDom = d3.extent(xs) as [number, number];
    const yDom = d3.extent(ys) as [number, number];
    if (xDom[0] === undefined) {
      xDom[0] = o.xLog ? 1 : 0;
      xDom[1] = o.xLog ? 10 : 1;
    }
    if (yDom[0] === undefined) {
      yDom[0] = o.yLog ? 1 : 0;
      yDom[1] = o.yLog ? 10 : 1;
    }
    if (xDom[0] === xDom[1]) xDom[1] = xDom[0] + (o.xLog ? xDom[0] : 1);
    if (yDom[0] === yDom[1]) yDom[1] = yDom[0] + (o.yLog ? yDom[0] : 1);
    const x = (o.xLog ? d3.scaleLog() : d3.scaleLinear()).domain(xDom).range([M.left, width - M.right]);
    const y = (o.yLog ? d3.scaleLog() : d3.scaleLinear())
      .domain(yDom)
      .nice()
      .range([height - M.bottom, M.top]);

    svg
      .append('g')
      .attr('transform', `translate(0,${height - M.bottom})`)
      .call(d3.axisBottom(x).ticks(6, o.xLog ? '~g' : undefined));
    svg
      .append('g')
      .attr('transform', `translate(${M.left},0)`)
      .call(d3.axisLeft(y).ticks(5, o.yLog ? '~g' : undefined));
    svg
      .append('text')
      .attr('class', 'axis-label')
      .attr('x', (M.left + width - M.right) / 2)
      .attr('y', height - 8)
      .attr('text-anchor', 'middle')
      .text(o.xLabel);
    svg
      .append('text')
      .attr('class', 'axis-label')
      .attr('transform', `translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(o.yLabel);

    for (const m of o.marks ?? []) {
      if (!Number.isFinite(m.x) || (o.xLog && m.x <= 0)) continue;
      const g = svg.append('g').attr('class', 'chart-mark');
      g.append('line')
        .attr('x1', x(m.x))
        .attr('x2', x(m.x))
        .attr('y1', M.top)
        .attr('y2', height - M.bottom);
      g.append('text')
        .attr('x', x(m.x) + 4)
        .attr('y', M.top + 10)
        .text(m.label);
    }

    clean.forEach((s, i) => {
      const color = s.color ?? CATEGORICAL[i % CATEGORICAL.length];
      const banded = s.points.filter(
        (p) => p.lo !== undefined && p.hi !== undefined && (!o.yLog || (p.lo ?? 0) > 0),
      );
      if (banded.length > 1) {
        const area = d3
          .area<Point>()
          .x((p) => x(p.x))
          .y0((p) => y(p.lo!))
          .y1((p) => y(p.hi!));
        svg.append('path').attr('d', area(banded)).attr('fill', color).attr('opacity', 0.15);
      }
      const line = d3
        .line<Point>()
        .x((p) => x(p.x))
        .y((p) => y(p.y));
      svg
        .append('path')
        .attr('d', line(s.points))
        .attr('fill', 'none')
        .attr('stroke', color)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', s.dashed ? '6 4' : null);
      if (s.markers || s.points.length === 1) {
        svg
          .append('g')
          .selectAll('circle')
          .data(s.points)
          .join('circle')
          .attr('cx', (p) => x(p.x))
          .attr('cy', (p) => y(p.y))
          .attr('r', 3.5)
          .attr('fill', color);
      }
    });

    legend.selectAll('*').remove();
    clean.forEach((s, i) => {
      const item = legend.append('span').attr('class', 'legend-item');
      item
        .append('span')
        .attr('class', s.dashed ? 'swatch dashed' : 'swatch')
        .style('border-color', s.color ?? CATEGORICAL[i % CATEGORICAL.length]);
      item.append('span').text(s.name);
    });

    // Hover: nearest point of any series, exact numbers in the readout.
    svg
      .append('rect')
      .attr('x', M.left)
      .attr('y', M.top)
      .attr('width', Math.max(0, width - M.left - M.right))
      .attr('height', Math.max(0, height - M.top - M.bottom))
      .attr('fill', 'transparent')
      .on('mousemove', (ev: MouseEvent) => {
        const [mx, my] = d3.pointer(ev);
        let best: { s: string; p: Point; d: number } | null = null;
        for (const s of clean)
          for (const p of s.points) {
            const d = (x(p.x) - mx) ** 2 + (y(p.y) - my) ** 2;
            if (!best || d < best.d) best = { s: s.name, p, d };
          }
        if (!best) return;
        tip
          .style('display', 'block')
          .style('left', `${x(best.p.x) + 8}px`)
          .style('top', `${y(best.p.y) - 8}px`)
          .text(`${best.s}: ${o.xLabel} = ${fmt(best.p.x)}, ${o.yLabel} = ${fmt(best.p.y)}`);
      })
      .on('mouseleave', () => tip.style('display', 'none'));
  }

  return { update, destroy: () => root.remove(), svg: () => svg.node() as SVGSVGElement };
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : Number(v.toPrecision(4)).toString();
}
