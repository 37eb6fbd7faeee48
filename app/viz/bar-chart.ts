/**
 * Labelled bar chart (SVG). Nothing relies on colour alone and nothing collides: category labels are thinned,
 * rotated or truncated to their room (the full label and the exact value on hover of every bar), value labels
 * are written only where they fit, and long labels switch the chart to horizontal rows (`layout: 'auto'`).
 */
import * as d3 from 'd3';
import { CATEGORICAL } from './colormaps';
import { exact, formatNumber } from './format';
import { type Box, Occupancy, tickStride, truncateToWidth } from './layout';
import { boxOf, emOf, hover, styleAxis, textMeasurer, thinTickTexts, tickTexts, wrapTitle } from './svg-kit';

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  /** Columns (default), horizontal rows, or rows when the labels would not fit under columns. */
  layout?: 'columns' | 'rows' | 'auto';
  /** The category axis' title (columns: under the labels; rows: beside them). */
  xLabel?: string;
  height?: number;
}

type Text = d3.Selection<SVGTextElement, unknown, null, undefined>;

export function createBarChart(el: HTMLElement) {
  const root = d3.select(el).append('div').attr('class', 'chart');
  const svg = root.append('svg').attr('role', 'img');
  const warn = root.append('div').attr('class', 'chart-warning').attr('role', 'status');
  const note = root.append('div').attr('class', 'chart-note');

  function update(bars: Bar[], o: BarChartOptions): void {
    const width = Math.max(260, el.clientWidth || 560);
    svg.selectAll('*').remove();
    const em = emOf(svg.node());
    const ok = bars.filter((b) => Number.isFinite(b.value));
    warn.text(
      ok.length < bars.length ? `⚠ ${bars.length - ok.length} bar(s) not drawn: NaN or infinite` : '',
    );
    const titleH = wrapTitle(svg, o.title, width);
    const measureTick = textMeasurer(svg, 'axis-tick-probe');
    const measureValue = textMeasurer(svg, 'bar-value');
    const measureLabel = textMeasurer(svg, 'axis-label');
    const labelW = Math.max(0, ...ok.map((b) => measureTick(b.label)));
    const plotWGuess = width - 4 * em;
    const fitsUnder = ok.length === 0 || labelW + 6 <= plotWGuess / ok.length;
    const rows = o.layout === 'rows' || (o.layout === 'auto' && !fitsUnder && ok.length <= 40);
    const occ = new Occupancy(1);
    const titleNode = svg.select<SVGTextElement>('text.chart-title:not(.probe)').node();
    if (titleNode) occ.add(boxOf(titleNode));
    let hidden = 0;

    const values = ok.map((b) => formatNumber(b.value, 3));
    const ext = d3.extent([0, ...ok.map((b) => b.value)]) as [number, number];
    if (ext[0] === ext[1]) ext[1] = ext[0] + 1;

    if (rows) {
      const rowH = Math.max(em * 1.45, 18);
      const top = titleH + em * 0.4;
      const bottom = em * 3.3;
      const height = Math.round(top + rowH * Math.max(1, ok.length) + bottom);
      svg.attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
      // The bars keep at least 35% of the width: value labels give way first (hover still has them),
      // then the category labels are truncated further.
      const plotMin = width * 0.35;
      let leftRoom = Math.min(labelW, width * 0.42);
      // Room for typical value labels (an unusually long one is dropped if it does not fit; hover has it).
      const widths = values.map((v) => measureValue(v)).sort((a, b) => a - b);
      let valW = Math.min(widths[Math.floor(widths.length * 0.75)] ?? 0, width * 0.14) + 6;
      const hasNeg = ext[0] < 0;
      const sides = hasNeg ? 2 : 1;
      if (width - leftRoom - 18 - sides * valW < plotMin) valW = 0;
      if (width - leftRoom - 18 < plotMin) leftRoom = Math.max(em * 3, width - plotMin - 18);
      const left = Math.ceil(leftRoom + 10);
      const showValues = valW > 0;
      const x = d3
        .scaleLinear()
        .domain(ext)
        .nice()
        .range([left + (hasNeg ? valW : 0), width - 8 - valW]);
      const yb = d3
        .scaleBand()
        .domain(ok.map((_, i) => `${i}`))
        .range([top, top + rowH * ok.length])
        .padding(0.18);
      const xa = styleAxis(
        svg
          .append('g')
          .attr('transform', `translate(0,${height - bottom})`)
          .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor((width - left) / (em * 4.5))))),
      );
      const xTexts = tickTexts(xa);
      const xt = truncateToWidth(o.yLabel, width - left - 8, measureLabel);
      const xl = svg
        .append('text')
        .attr('class', 'axis-label')
        .attr('x', (left + width) / 2)
        .attr('y', height - em * 0.45)
        .attr('text-anchor', 'middle')
        .text(xt);
      if (xt !== o.yLabel) hover(xl, o.yLabel);
      svg
        .append('line')
        .attr('class', 'zero-line')
        .attr('x1', x(0))
        .attr('x2', x(0))
        .attr('y1', top)
        .attr('y2', height - bottom);
      const g = svg.append('g');
      // Every text is appended first and the boxes are read in one go (a read after each change would force
      // a layout of the page per bar); the decisions then follow in the original order.
      const rowTexts: Array<{ lab: Text; vt: Text | null }> = [];
      ok.forEach((b, i) => {
        const y0 = yb(`${i}`) ?? 0;
        const cy = y0 + yb.bandwidth() / 2;
        const x0 = x(Math.min(0, b.value));
        const w = Math.abs(x(b.value) - x(0));
        const rect = g
          .append('rect')
          .attr('x', x0)
          .attr('y', y0)
          .attr('width', w)
          .attr('height', yb.bandwidth())
          .attr('fill', b.color ?? CATEGORICAL[0]);
        hover(rect, `${b.label}: ${exact(b.value)}`);
        const lt = truncateToWidth(b.label, leftRoom, measureTick);
        const lab = g
          .append('text')
          .attr('class', 'bar-label')
          .attr('x', left - 6)
          .attr('y', cy)
          .attr('dy', '0.35em')
          .attr('text-anchor', 'end')
          .text(lt);
        hover(lab, `${b.label}: ${exact(b.value)}`);
        if (!showValues) {
          rowTexts.push({ lab, vt: null });
          return;
        }
        const vt = g
          .append('text')
          .attr('class', 'bar-value')
          .attr('x', b.value >= 0 ? x(b.value) + 3 : x(b.value) - 3)
          .attr('y', cy)
          .attr('dy', '0.35em')
          .attr('text-anchor', b.value >= 0 ? 'start' : 'end')
          .text(values[i]);
        hover(vt, exact(b.value));
        rowTexts.push({ lab, vt });
      });
      const xBoxes = xTexts.map((t) => boxOf(t));
      const rowBoxes = rowTexts.map(({ lab, vt }) => ({
        lab: boxOf(lab.node()),
        vt: vt ? boxOf(vt.node()) : null,
      }));
      thinTickTexts(xTexts, xBoxes, occ, true, 0, width);
      rowTexts.forEach(({ vt }, i) => {
        occ.add(rowBoxes[i].lab);
        const vb = rowBoxes[i].vt;
        if (!vt || !vb) {
          hidden++;
          return;
        }
        if (vb.x < left - 2 || vb.x + vb.w > width - 1 || !occ.tryAdd(vb)) {
          vt.remove();
          hidden++;
        }
      });
    } else {
      const height0 = (o.height ?? 260) + titleH - 22;
      const top = titleH + em * 0.6;
      const plotWApprox = width - 5 * em;
      const step0 = plotWApprox / Math.max(1, ok.length);
      const horizontal = labelW + 6 <= step0;
      // Rotated labels: at −45° neighbours are step·sin 45° apart; keep every k-th, truncated to a cap.
      const cap = Math.max(em * 4, Math.min(labelW, (height0 - top) * 0.45 * Math.SQRT2));
      const lblW = Math.min(labelW, cap);
      const bottom = horizontal ? em * 3.2 : lblW * Math.SQRT1_2 + em * 2.8;
      const plotH = Math.max(100, height0 - top - 44);
      const height = Math.round(top + plotH + bottom);
      svg.attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
      // Headroom above (and below) the longest bars for their value labels.
      const y = d3
        .scaleLinear()
        .domain([ext[0] < 0 ? ext[0] * 1.12 : ext[0], ext[1] > 0 ? ext[1] * 1.12 : ext[1]])
        .nice()
        .range([top + plotH, top]);
      const yTicks = Math.max(2, Math.min(6, Math.floor(plotH / (em * 2.4))));
      const tickW = Math.max(em, ...y.ticks(yTicks).map((t) => measureTick(y.tickFormat(yTicks)(t))));
      const left = Math.ceil(em * 1.3 + tickW + 12);
      const x = d3
        .scaleBand()
        .domain(ok.map((_, i) => `${i}`))
        .range([left, width - 10])
        .padding(0.15);
      const ya = styleAxis(
        svg.append('g').attr('transform', `translate(${left},0)`).call(d3.axisLeft(y).ticks(yTicks)),
      );
      const yTexts = tickTexts(ya);
      svg
        .append('line')
        .attr('class', 'zero-line')
        .attr('x1', left)
        .attr('x2', width - 10)
        .attr('y1', y(0))
        .attr('y2', y(0));
      // Category labels under the plot (not at y = 0, where negative bars would run into them).
      const step = x.step();
      const stride = horizontal ? 1 : tickStride(step * Math.SQRT1_2, em * 0.95, 2);
      const labels = svg.append('g').attr('class', 'axis');
      const catTexts: Text[] = [];
      ok.forEach((b, i) => {
        if (i % stride !== 0) return;
        const cx = (x(`${i}`) ?? 0) + x.bandwidth() / 2;
        const text = horizontal ? b.label : truncateToWidth(b.label, lblW, measureTick);
        const t = labels
          .append('text')
          .attr('class', 'bar-label')
          .attr('transform', `translate(${cx},${top + plotH + em * 0.9})${horizontal ? '' : ' rotate(-45)'}`)
          .attr('text-anchor', horizontal ? 'middle' : 'end')
          .attr('dy', horizontal ? '0.35em' : '0.35em')
          .text(text);
        hover(t, `${b.label}: ${exact(b.value)}`);
        catTexts.push(t);
      });
      if (stride > 1) hidden += ok.length - Math.ceil(ok.length / stride);
      const yt = truncateToWidth(o.yLabel, plotH + bottom * 0.5, measureLabel);
      const yl = svg
        .append('text')
        .attr('class', 'axis-label')
        .attr('transform', `translate(${em * 0.95},${top + plotH / 2}) rotate(-90)`)
        .attr('text-anchor', 'middle')
        .text(yt);
      if (yt !== o.yLabel) hover(yl, o.yLabel);
      let xl: Text | null = null;
      if (o.xLabel) {
        xl = svg
          .append('text')
          .attr('class', 'axis-label')
          .attr('x', (left + width) / 2)
          .attr('y', height - em * 0.45)
          .attr('text-anchor', 'middle')
          .text(truncateToWidth(o.xLabel, width - left, measureLabel));
      }
      const g = svg.append('g');
      const barBoxes: Box[] = [];
      ok.forEach((b, i) => {
        const top0 = y(Math.max(0, b.value));
        const h = Math.abs(y(b.value) - y(0));
        const rect = g
          .append('rect')
          .attr('x', x(`${i}`) ?? 0)
          .attr('y', top0)
          .attr('width', x.bandwidth())
          .attr('height', h)
          .attr('fill', b.color ?? CATEGORICAL[0]);
        hover(rect, `${b.label}: ${exact(b.value)}`);
        barBoxes.push({ x: x(`${i}`) ?? 0, y: top0, w: x.bandwidth(), h });
      });
      // Value labels only where they fit: within the bar's column, clear of everything drawn so far.
      const valueTexts: Text[] = [];
      ok.forEach((b, i) => {
        const cx = (x(`${i}`) ?? 0) + x.bandwidth() / 2;
        const w = measureValue(values[i]);
        if (w > step - 2) {
          hidden++;
          return;
        }
        const vt = g
          .append('text')
          .attr('class', 'bar-value')
          .attr('x', cx)
          .attr('y', b.value >= 0 ? y(b.value) - 4 : y(b.value) + 4)
          .attr('dy', b.value >= 0 ? '0' : '0.8em')
          .attr('text-anchor', 'middle')
          .text(values[i]);
        hover(vt, exact(b.value));
        valueTexts.push(vt);
      });
      // One read of every box, then the placements in the original order.
      const yBoxes = yTexts.map((t) => boxOf(t));
      const catBoxes = catTexts.map((t) => boxOf(t.node()));
      const ylBox = boxOf(yl.node());
      const xlBox = xl ? boxOf(xl.node()) : null;
      const valueBoxes = valueTexts.map((t) => boxOf(t.node()));
      thinTickTexts(yTexts, yBoxes, occ, false);
      catTexts.forEach((t, i) => {
        const bx = catBoxes[i];
        if (bx.x < 0 || !occ.tryAdd(bx)) t.remove();
      });
      occ.add(ylBox);
      if (xlBox) occ.add(xlBox);
      for (const b of barBoxes) occ.add(b);
      valueTexts.forEach((vt, i) => {
        const vb = valueBoxes[i];
        if (vb.y < top - 2 || vb.y + vb.h > top + plotH + 2 || !occ.tryAdd(vb)) {
          vt.remove();
          hidden++;
        }
      });
    }
    svg.attr('aria-label', o.title);
    note.text(
      hidden
        ? 'Some labels or values are left out where they would collide: hover a bar for its label and exact value.'
        : '',
    );
  }
  return { update, destroy: () => root.remove(), svg: () => svg.node() as SVGSVGElement };
}
