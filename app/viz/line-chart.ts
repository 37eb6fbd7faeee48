/**
 * Multi-series line chart (SVG, d3 scales and axes): log axes, spread bands, dashed guides and reference
 * lines, a hover readout with exact values. Layout that cannot collide: margins sized from the measured tick
 * labels, axis titles outside them (truncated to their room, full text on hover), tick labels thinned until
 * they do not touch, direct labels on lines only where they fit, and a legend that collapses when long.
 * Gaps that are expected (zeros on a log axis) get a quiet note; NaN/Inf a warning.
 */
import * as d3 from 'd3';
import { CATEGORICAL } from './colormaps';
import { exact, formatNumber, formatTick } from './format';
import { Occupancy, spreadLabels, truncateToWidth, withMinSpan } from './layout';
import { boxOf, emOf, hover, styleAxis, textMeasurer, thinTicks, wrapTitle } from './svg-kit';

export { wrapTitle } from './svg-kit';

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
  /** Points only, no connecting line (a scatter series); implies markers. */
  scatter?: boolean;
  /**
   * Series with the same group share one legend entry when the legend is long ("42 features not in w*"),
   * and get no direct label.
   */
  group?: string;
  /** Text of the series' direct label (default: its name). */
  label?: string;
  /** Drawn as steps (a count that changes at each reading) with a light fill to the axis. */
  step?: boolean;
  /** Why values ≤ 0 on a log axis are expected for this series (turns the note into an explanation). */
  zeroNote?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  marks?: Array<{ x: number; label: string }>;
  /** Horizontal reference lines (e.g. a target value): always inside the y range, labelled where they fit. */
  refLines?: Array<{ y: number; label: string }>;
  /** The y range is at least this wide (a nearly constant series is drawn flat, not as magnified noise). */
  yMinSpan?: number;
  /** Values the y range must include (e.g. 0 and a known maximum, for context). */
  yInclude?: number[];
  /** Label lines directly at their left or right end where the labels fit. */
  directLabels?: 'start' | 'end';
  /** Legend entries shown before the rest collapse into a "+ N more" list (default 8). */
  legendMax?: number;
  height?: number;
}

/**
 * Tick labels of a log axis. Over several decades d3's own (powers of ten and a few between); over less
 * than two decades every tick is labelled (the layout then thins the ones that would touch), so a short log
 * axis is never left with a single number.
 */
function logFormat(
  dom: [number, number],
  scale: d3.ScaleLogarithmic<number, number> | d3.ScaleContinuousNumeric<number, number>,
  count: number,
): (v: d3.NumberValue) => string {
  const decades = Math.log10(Math.max(dom[0], dom[1]) / Math.min(dom[0], dom[1]));
  const f = (v: d3.NumberValue) => formatTick(Number(v));
  if (decades < 2) return f;
  // d3 blanks the ticks between powers of ten that would crowd; the rest are written by formatTick.
  const keep = scale.tickFormat(count, '~g');
  return (v) => (keep(v) === '' ? '' : f(v));
}

function usable(p: Point, o: LineChartOptions): boolean {
  return Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.xLog || p.x > 0) && (!o.yLog || p.y > 0);
}

const colorOf = (s: Series, i: number) => s.color ?? CATEGORICAL[i % CATEGORICAL.length];

export function createLineChart(el: HTMLElement) {
  const root = d3.select(el).append('div').attr('class', 'chart');
  const svg = root.append('svg').attr('role', 'img');
  const warn = root.append('div').attr('class', 'chart-warning').attr('role', 'status');
  const note = root.append('div').attr('class', 'chart-note');
  const tip = root.append('div').attr('class', 'chart-tip').style('display', 'none');
  const legend = root.append('div').attr('class', 'chart-legend');

  function update(series: Series[], o: LineChartOptions): void {
    const width = Math.max(260, el.clientWidth || 560);
    svg.selectAll('*').remove();
    const em = emOf(svg.node());
    const titleH = wrapTitle(svg, o.title, width);
    const plotH = Math.max(120, (o.height ?? 300) - 64);
    const measureTick = textMeasurer(svg, 'axis-tick-probe');
    const measureLabel = textMeasurer(svg, 'axis-label');

    // Gaps: NaN/Inf are real problems (a warning); values ≤ 0 on a log axis are expected (a quiet note).
    let nonFinite = 0;
    const zeroNotes: string[] = [];
    for (const s of series) {
      let z = 0;
      for (const p of s.points) {
        if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) nonFinite++;
        else if ((o.xLog && p.x <= 0) || (o.yLog && p.y <= 0)) z++;
      }
      if (z)
        zeroNotes.push(
          `${s.name}: ${z} of ${s.points.length} values ≤ 0 are left out on the log axis${s.zeroNote ? ` (${s.zeroNote})` : ''}.`,
        );
    }
    warn.text(nonFinite ? `⚠ ${nonFinite} point(s) are NaN or infinite and are not plotted.` : '');
    note.text(zeroNotes.join(' '));

    const clean = series.map((s) => ({ ...s, points: s.points.filter((p) => usable(p, o)) }));
    const all = clean.flatMap((s) => s.points);
    const xs = all.map((p) => p.x);
    const ys = all
      .flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y])
      .concat(
        (o.refLines ?? []).map((r) => r.y),
        o.yInclude ?? [],
      )
      .filter((v) => Number.isFinite(v) && (!o.yLog || v > 0));
    let xDom = d3.extent(xs) as [number, number];
    let yDom = d3.extent(ys) as [number, number];
    if (xDom[0] === undefined) xDom = o.xLog ? [1, 10] : [0, 1];
    if (yDom[0] === undefined) yDom = o.yLog ? [1, 10] : [0, 1];
    if (xDom[0] === xDom[1]) xDom[1] = xDom[0] + (o.xLog ? xDom[0] : 1);
    if (o.yLog) {
      // At least a factor of 3 on a log axis, centred on the data (geometric mean).
      if (yDom[1] / yDom[0] < 3) {
        const c = Math.sqrt(yDom[0] * yDom[1]);
        yDom = [c / Math.sqrt(3), c * Math.sqrt(3)];
      }
    } else {
      yDom = withMinSpan(yDom[0], yDom[1], o.yMinSpan ?? 0);
      if (yDom[0] === yDom[1]) yDom[1] = yDom[0] + 1;
    }
    // A log axis over less than two decades is padded a little instead of rounded out to whole decades
    // (which could leave half the chart empty); ticks in between are labelled (logFormat).
    if (o.yLog && Math.log10(yDom[1] / yDom[0]) < 2) {
      const pad = (Math.log10(yDom[1]) - Math.log10(yDom[0])) * 0.06;
      yDom = [yDom[0] / 10 ** pad, yDom[1] * 10 ** pad];
    }
    const y = (o.yLog ? d3.scaleLog() : d3.scaleLinear()).domain(yDom);
    if (!o.yLog || Math.log10(yDom[1] / yDom[0]) >= 2) y.nice();

    // Left margin from the widest y tick label; the y title sits outside them.
    const yTickCount = Math.max(2, Math.min(8, Math.floor(plotH / (em * 2.4))));
    const yFormat = o.yLog
      ? logFormat(y.domain() as [number, number], y, yTickCount)
      : y.tickFormat(yTickCount);
    const yTicks = y.ticks(yTickCount);
    const tickW = Math.max(em, ...yTicks.map((t) => measureTick(yFormat(t as number))));
    const titleBand = em * 1.3;
    const M = { top: titleH + em * 0.6, right: Math.max(12, em * 0.8), bottom: em * 3.4, left: 0 };
    M.left = Math.ceil(titleBand + tickW + 12);
    if (o.directLabels === 'end') M.right = Math.min(width * 0.25, em * 6);
    const height = Math.round(M.top + plotH + M.bottom);
    svg
      .attr('viewBox', `0 0 ${width} ${height}`)
      .attr('width', width)
      .attr('height', height)
      .attr('aria-label', o.title);
    y.range([height - M.bottom, M.top]);
    const x = (o.xLog ? d3.scaleLog() : d3.scaleLinear()).domain(xDom).range([M.left, width - M.right]);
    const occ = new Occupancy(1);
    // The title is occupied.
    const titleNode = svg.select<SVGTextElement>('text.chart-title:not(.probe)').node();
    if (titleNode) occ.add(boxOf(titleNode));

    const plotW = width - M.left - M.right;
    const xTickCount = Math.max(2, Math.min(10, Math.floor(plotW / (em * 4.5))));
    const xa = styleAxis(
      svg
        .append('g')
        .attr('transform', `translate(0,${height - M.bottom})`)
        .call(
          d3
            .axisBottom(x)
            .ticks(xTickCount)
            .tickFormat(
              o.xLog
                ? logFormat(xDom, x as d3.ScaleLogarithmic<number, number>, xTickCount)
                : (x as d3.ScaleLinear<number, number>).tickFormat(xTickCount),
            ),
        ),
    );
    const ya = styleAxis(
      svg
        .append('g')
        .attr('transform', `translate(${M.left},0)`)
        .call(d3.axisLeft(y).ticks(yTickCount).tickFormat(yFormat)),
    );
    thinTicks(ya, occ, false);
    thinTicks(xa, occ, true, 0, width);

    // Axis titles, truncated to the room they have (the full text on hover).
    const xTitle = truncateToWidth(o.xLabel, plotW, measureLabel);
    const xl = svg
      .append('text')
      .attr('class', 'axis-label')
      .attr('x', M.left + plotW / 2)
      .attr('y', height - em * 0.45)
      .attr('text-anchor', 'middle')
      .text(xTitle);
    if (xTitle !== o.xLabel) hover(xl, o.xLabel);
    occ.add(boxOf(xl.node()));
    const plotHpx = height - M.top - M.bottom;
    const yTitle = truncateToWidth(o.yLabel, plotHpx + M.bottom * 0.5, measureLabel);
    const yl = svg
      .append('text')
      .attr('class', 'axis-label')
      .attr('transform', `translate(${em * 0.95},${M.top + plotHpx / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(yTitle);
    if (yTitle !== o.yLabel) hover(yl, o.yLabel);
    occ.add(boxOf(yl.node()));

    // Reference lines (targets), then vertical marks; their labels go where they fit, else into the legend.
    const legendExtras: Array<{ text: string; kind: 'ref' | 'mark' }> = [];
    for (const r of o.refLines ?? []) {
      if (!Number.isFinite(r.y) || (o.yLog && r.y <= 0)) continue;
      const g = svg.append('g').attr('class', 'chart-ref');
      g.append('line')
        .attr('x1', M.left)
        .attr('x2', width - M.right)
        .attr('y1', y(r.y))
        .attr('y2', y(r.y));
      hover(g, `${r.label} (${exact(r.y)})`);
      const t = g
        .append('text')
        .attr('class', 'chart-ref-label')
        .attr('x', width - M.right - 4)
        .attr('y', y(r.y) - 4)
        .attr('text-anchor', 'end')
        .text(r.label);
      if (!occ.tryAdd(boxOf(t.node()))) {
        t.attr('y', y(r.y) + em * 0.95);
        if (!occ.tryAdd(boxOf(t.node()))) {
          t.remove();
          legendExtras.push({ text: r.label, kind: 'ref' });
        }
      }
    }
    for (const m of o.marks ?? []) {
      if (!Number.isFinite(m.x) || (o.xLog && m.x <= 0)) continue;
      const g = svg.append('g').attr('class', 'chart-mark');
      g.append('line')
        .attr('x1', x(m.x))
        .attr('x2', x(m.x))
        .attr('y1', M.top)
        .attr('y2', height - M.bottom);
      hover(g, `${m.label}: ${exact(m.x)}`);
      const t = g
        .append('text')
        .attr('x', x(m.x) + 4)
        .attr('y', M.top + em * 0.8)
        .text(m.label);
      let b = boxOf(t.node());
      if (b.x + b.w > width - 2) {
        t.attr('x', x(m.x) - 4).attr('text-anchor', 'end');
        b = boxOf(t.node());
      }
      if (b.x < M.left || b.x + b.w > width - 2 || !occ.tryAdd(b)) {
        t.remove();
        legendExtras.push({ text: m.label, kind: 'mark' });
      }
    }

    const plot = svg.append('g').attr('class', 'plot');
    series.forEach((s, i) => {
      const color = colorOf(s, i);
      const ok = (p: Point) => usable(p, o);
      const banded = s.points.filter(
        (p) => ok(p) && p.lo !== undefined && p.hi !== undefined && (!o.yLog || (p.lo ?? 0) > 0),
      );
      if (banded.length > 1) {
        const area = d3
          .area<Point>()
          .x((p) => x(p.x))
          .y0((p) => y(p.lo!))
          .y1((p) => y(p.hi!));
        plot.append('path').attr('d', area(banded)).attr('fill', color).attr('opacity', 0.15);
      }
      if (s.step) {
        const base = y.domain()[0];
        const area = d3
          .area<Point>()
          .defined(ok)
          .curve(d3.curveStepAfter)
          .x((p) => x(p.x))
          .y0(() => y(base))
          .y1((p) => y(p.y));
        plot.append('path').attr('d', area(s.points)).attr('fill', color).attr('opacity', 0.18);
      }
      // Unusable points break the line (a gap), rather than being bridged.
      const line = d3
        .line<Point>()
        .defined(ok)
        .curve(s.step ? d3.curveStepAfter : d3.curveLinear)
        .x((p) => x(p.x))
        .y((p) => y(p.y));
      if (!s.scatter) {
        const path = plot
          .append('path')
          .attr('d', line(s.points))
          .attr('fill', 'none')
          .attr('stroke', color)
          .attr('stroke-width', 2.5)
          .attr('stroke-dasharray', s.dashed ? '6 4' : null);
        hover(path, s.name);
      }
      // Isolated points (no neighbour to draw a line to) get a dot so they are seen.
      const pts = clean[i].points;
      const isolated = s.points.filter(
        (p, j) =>
          ok(p) && !(j > 0 && ok(s.points[j - 1])) && !(j + 1 < s.points.length && ok(s.points[j + 1])),
      );
      const dots = s.markers || s.scatter || pts.length === 1 ? pts : isolated;
      if (dots.length) {
        const g = plot.append('g');
        g.selectAll('circle')
          .data(dots)
          .join('circle')
          .attr('cx', (p) => x(p.x))
          .attr('cy', (p) => y(p.y))
          .attr('r', s.scatter ? 3 : 3.5)
          .attr('fill', color)
          .attr('opacity', s.scatter ? 0.75 : null);
        if (s.scatter) hover(g, s.name);
      }
    });

    // Direct labels at one end of each line, spread so they do not touch, dropped where they cannot fit.
    const labelled = new Set<number>();
    if (o.directLabels) {
      const end = o.directLabels;
      const cands = clean
        .map((s, i) => ({
          s,
          i,
          p: s.points.reduce<Point | undefined>(
            (a, q) => (a === undefined || (end === 'start' ? q.x < a.x : q.x > a.x) ? q : a),
            undefined,
          ) as Point,
        }))
        .filter((c) => c.p && !c.s.group);
      const lineH = em * 0.95;
      const wantY = cands.map((c) => y(c.p.y));
      const placed = spreadLabels(
        wantY,
        lineH,
        M.top + lineH / 2,
        height - M.bottom - lineH / 2,
        lineH * 1.5,
      );
      cands.forEach((c, j) => {
        const yy = placed[j];
        if (yy === null) return;
        const text = c.s.label ?? c.s.name;
        const t = plot
          .append('text')
          .attr('class', 'direct-label')
          .attr('x', end === 'start' ? x(c.p.x) + 5 : x(c.p.x) + 5)
          .attr('y', yy)
          .attr('dy', '0.35em')
          .style('fill', colorOf(c.s, c.i))
          .text(text);
        const b = boxOf(t.node());
        if (b.x + b.w > width - 1 || !occ.tryAdd(b)) t.remove();
        else labelled.add(c.i);
      });
    }

    drawLegend(series, labelled, legendExtras, o.legendMax ?? 8);

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
        const scale = (svg.node()?.getBoundingClientRect().width ?? width) / width;
        const px = x(best.p.x) * scale;
        const flip = px > (el.clientWidth || width) * 0.6;
        tip
          .style('display', 'block')
          .style('left', flip ? 'auto' : `${px + 8}px`)
          .style('right', flip ? `${(el.clientWidth || width) - px + 8}px` : 'auto')
          .style('top', `${y(best.p.y) * scale - 8}px`)
          .text(`${best.s}: ${o.xLabel} = ${exact(best.p.x)}, ${o.yLabel} = ${exact(best.p.y)}`);
      })
      .on('mouseleave', () => tip.style('display', 'none'));
  }

  /**
   * Up to `max` entries (groups count as one, with their size); the rest in a "+ N more" list that opens
   * on click, so 50 features never make the legend taller than the chart.
   */
  function drawLegend(
    series: Series[],
    labelled: Set<number>,
    extras: Array<{ text: string; kind: 'ref' | 'mark' }>,
    max: number,
  ): void {
    legend.selectAll('*').remove();
    type Entry = { name: string; color: string; dashed: boolean; title?: string };
    const entries: Entry[] = [];
    const groups = new Map<string, { n: number; color: string; dashed: boolean; names: string[] }>();
    const long = series.length > max;
    series.forEach((s, i) => {
      if (s.group && long) {
        const g = groups.get(s.group) ?? { n: 0, color: colorOf(s, i), dashed: !!s.dashed, names: [] };
        g.n++;
        g.names.push(s.name);
        groups.set(s.group, g);
      } else entries.push({ name: s.name, color: colorOf(s, i), dashed: !!s.dashed });
    });
    for (const [name, g] of groups)
      entries.push({ name: `${g.n} × ${name}`, color: g.color, dashed: g.dashed, title: g.names.join(', ') });
    const item = (parent: d3.Selection<HTMLElement, unknown, null, undefined>, e: Entry) => {
      const it = parent.append('span').attr('class', 'legend-item');
      it.append('span')
        .attr('class', e.dashed ? 'swatch dashed' : 'swatch')
        .style('border-color', e.color);
      it.append('span').text(e.name);
      if (e.title) it.attr('title', e.title);
    };
    // Groups are always shown (one compact entry each); single series beyond `max` go into "+ N more".
    const singles = entries.filter((e) => e.title === undefined);
    const grouped = entries.filter((e) => e.title !== undefined);
    const shown = [...singles.slice(0, max), ...grouped];
    const rest = singles.slice(max);
    const host = legend as unknown as d3.Selection<HTMLElement, unknown, null, undefined>;
    for (const e of shown) item(host, e);
    for (const x of extras) {
      const it = legend.append('span').attr('class', 'legend-item');
      it.append('span').attr('class', x.kind === 'ref' ? 'swatch ref' : 'swatch mark');
      it.append('span').text(x.text);
    }
    if (rest.length) {
      const more = legend.append('details').attr('class', 'legend-more');
      more.append('summary').text(`+ ${rest.length} more`);
      const list = more.append('div').attr('class', 'legend-list') as unknown as d3.Selection<
        HTMLElement,
        unknown,
        null,
        undefined
      >;
      for (const e of rest) item(list, e);
    }
    legend.attr('data-labelled', labelled.size);
  }

  return { update, destroy: () => root.remove(), svg: () => svg.node() as SVGSVGElement };
}

/** A number for a label or a table: four significant digits (the exact value goes in hover text). */
export function fmt(v: number): string {
  return formatNumber(v, 4);
}
