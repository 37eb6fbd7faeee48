/** Labelled bar chart (SVG): values written on the bars, so nothing relies on colour alone. */
import * as d3 from 'd3';
import { CATEGORICAL } from './colormaps';
import { fmt, wrapTitle } from './line-chart';

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  height?: number;
}

export function createBarChart(el: HTMLElement) {
  const root = d3.select(el).append('div').attr('class', 'chart');
  const svg = root.append('svg').attr('role', 'img');
  const warn = root.append('div').attr('class', 'chart-warning').attr('role', 'status');

  function update(bars: Bar[], o: BarChartOptions): void {
    const width = Math.max(280, el.clientWidth || 560);
    svg.selectAll('*').remove();
    const titleH = wrapTitle(svg, o.title, width);
    const height = (o.height ?? 260) + titleH - 22;
    const m = { top: titleH + 8, right: 12, bottom: bars.length > 12 ? 60 : 40, left: 60 };
    svg
      .attr('viewBox', `0 0 ${width} ${height}`)
      .attr('width', width)
      .attr('height', height)
      .attr('aria-label', o.title);
    const ok = bars.filter((b) => Number.isFinite(b.value));
    warn.text(ok.length < bars.length ? `${bars.length - ok.length} bar(s) not drawn: NaN or infinite` : '');
    const x = d3
      .scaleBand()
      .domain(ok.map((_, i) => `${i}`))
      .range([m.left, width - m.right])
      .padding(0.15);
    const ext = d3.extent([0, ...ok.map((b) => b.value)]) as [number, number];
    const y = d3
      .scaleLinear()
      .domain(ext)
      .nice()
      .range([height - m.bottom, m.top]);
    svg.append('g').attr('transform', `translate(${m.left},0)`).call(d3.axisLeft(y).ticks(5));
    const xa = svg
      .append('g')
      .attr('transform', `translate(0,${y(0)})`)
      .call(d3.axisBottom(x).tickFormat((i) => ok[Number(i)].label));
    if (ok.length > 12) xa.selectAll('text').attr('transform', 'rotate(-45)').attr('text-anchor', 'end');
    svg
      .append('text')
      .attr('class', 'axis-label')
      .attr('transform', `translate(14,${(m.top + height - m.bottom) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(o.yLabel);
    const g = svg.append('g');
    ok.forEach((b, i) => {
      const top = y(Math.max(0, b.value));
      const h = Math.abs(y(b.value) - y(0));
      g.append('rect')
        .attr('x', x(`${i}`) ?? 0)
        .attr('y', top)
        .attr('width', x.bandwidth())
        .attr('height', h)
        .attr('fill', b.color ?? CATEGORICAL[0]);
      if (ok.length <= 24) {
        g.append('text')
          .attr('class', 'bar-value')
          .attr('x', (x(`${i}`) ?? 0) + x.bandwidth() / 2)
          .attr('y', top - 3)
          .attr('text-anchor', 'middle')
          .text(fmt(b.value));
      }
    });
  }
  return { update, destroy: () => root.remove(), svg: () => svg.node() as SVGSVGElement };
}
