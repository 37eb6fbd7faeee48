/**
 * Shared pieces of the SVG charts: the chart's em, text measurement, titles that wrap, axis labels that are
 * truncated to their room (full text on hover through an SVG <title>), and tick labels thinned until they
 * no longer touch. Every chart registers the text it draws in an Occupancy, so later labels avoid it.
 */
import type * as d3 from 'd3';
import { type Box, type Occupancy, tickStride, truncateToWidth } from './layout';

export type Svg = d3.Selection<SVGSVGElement, unknown, null, undefined>;
export type G = d3.Selection<SVGGElement, unknown, null, undefined>;

/** The chart's font size in pixels (larger in large-text and presentation modes). */
export function emOf(el: Element | null): number {
  if (!el || typeof getComputedStyle !== 'function') return 15;
  return Number.parseFloat(getComputedStyle(el).fontSize) || 15;
}

/** The box of an SVG element in the SVG's user units (zero-size when it is not rendered). */
export function boxOf(el: SVGGraphicsElement | null): Box {
  if (!el) return { x: 0, y: 0, w: 0, h: 0 };
  try {
    const b = el.getBBox();
    const m = el.getScreenCTM();
    const svgM = el.ownerSVGElement?.getScreenCTM();
    if (m && svgM) {
      // getBBox is in the element's own coordinates: map its corners into the svg's.
      const rel = svgM.inverse().multiply(m);
      const pts = [
        [b.x, b.y],
        [b.x + b.width, b.y],
        [b.x, b.y + b.height],
        [b.x + b.width, b.y + b.height],
      ].map(([x, y]) => ({ x: rel.a * x + rel.c * y + rel.e, y: rel.b * x + rel.d * y + rel.f }));
      const xs = pts.map((p) => p.x);
      const ys = pts.map((p) => p.y);
      return {
        x: Math.min(...xs),
        y: Math.min(...ys),
        w: Math.max(...xs) - Math.min(...xs),
        h: Math.max(...ys) - Math.min(...ys),
      };
    }
    return { x: b.x, y: b.y, w: b.width, h: b.height };
  } catch {
    return { x: 0, y: 0, w: 0, h: 0 };
  }
}

/**
 * Measured text widths, kept across draws and charts: measuring forces a layout of the page, and a chart
 * redrawn on every progress report measures the same tick labels and title words again and again. Keyed by
 * the SVG's font (size and family: large-text and presentation modes change it), the class and the text;
 * only real measurements are kept (not the estimates made where nothing is rendered). Bounded: cleared when
 * it grows past MEASURED_MAX entries.
 */
const measured = new Map<string, number>();
const MEASURED_MAX = 20000;

/** A width measurer for text in the given SVG at the given CSS class (uses a hidden probe <text>). */
export function textMeasurer(svg: Svg, cls: string): (s: string) => number {
  const svgNode = svg.node();
  const cs = svgNode && typeof getComputedStyle === 'function' ? getComputedStyle(svgNode) : null;
  const font = cs ? `${cs.fontSize}/${cs.fontFamily}/${cs.fontWeight}` : '';
  let probe: d3.Selection<SVGTextElement, unknown, null, undefined> | null = null;
  let em = 0;
  const measure = (s: string) => {
    const key = `${font}|${cls}|${s}`;
    let w = measured.get(key);
    if (w !== undefined) return w;
    if (!probe) {
      probe = svg.append('text').attr('class', `${cls} probe`).attr('x', -9999).attr('y', -9999);
      em = emOf(probe.node());
      // The probe stays out of view and is removed by the next redraw; keep it empty.
      const p = probe;
      queueMicrotask(() => p.remove());
    }
    probe.text(s);
    try {
      w = (probe.node() as SVGTextElement).getComputedTextLength();
    } catch {
      w = 0;
    }
    if (w || !s) {
      if (measured.size >= MEASURED_MAX) measured.clear();
      if (font) measured.set(key, w);
      return w;
    }
    // Not rendered (no layout): estimate 0.6 em per character.
    return s.length * em * 0.6;
  };
  return measure;
}

/** Adds an SVG <title> (hover text) to an element. */
export function hover<E extends d3.BaseType>(sel: d3.Selection<E, unknown, null, undefined>, text: string) {
  sel.append('title').text(text);
  return sel;
}

/** Draws a title that wraps onto as many lines as the width needs; returns the height it took. */
export function wrapTitle(svg: Svg, title: string, width: number): number {
  const node = svg.node();
  const em = emOf(node);
  const measure = textMeasurer(svg, 'chart-title');
  const max = width - 12;
  const lines: string[] = [];
  let cur = '';
  for (const word of title.split(/\s+/)) {
    const next = cur ? `${cur} ${word}` : word;
    if (cur && measure(next) > max) {
      lines.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  const lineH = em * 1.2;
  const t = svg
    .append('text')
    .attr('class', 'chart-title')
    .attr('x', 6)
    .attr('y', lineH * 0.85);
  lines.forEach((l, i) => {
    // A single word wider than the chart is truncated (the whole title is on hover).
    t.append('tspan')
      .attr('x', 6)
      .attr('dy', i === 0 ? 0 : lineH)
      .text(truncateToWidth(l, max, measure));
  });
  if (lines.some((l) => measure(l) > max)) hover(t, title);
  return lineH * lines.length + 6;
}

/** Strips d3-axis's fixed 10px font so the axis follows the chart's (large-text) font size. */
export function styleAxis(g: G): G {
  return g.attr('class', 'axis').attr('font-size', null).attr('font-family', null);
}

/** The labelled tick texts of an axis group; unlabelled ones (a log axis' minor ticks) lose their text node. */
export function tickTexts(g: G): SVGTextElement[] {
  const all = g.selectAll<SVGTextElement, unknown>('.tick text').nodes();
  // Unlabelled ticks keep their mark and take no part in the spacing.
  for (const t of all) if (!t.textContent) t.remove();
  return all.filter((t) => t.textContent);
}

/**
 * Thins the tick labels of an axis group: keeps every k-th label (k the smallest that stops neighbours
 * touching), then drops any label that still collides with `occ` or leaves [minX, maxX]. Registers the
 * kept labels in `occ`. Horizontal axes compare x extents, vertical axes y extents.
 */
export function thinTicks(
  g: G,
  occ: Occupancy,
  horizontal: boolean,
  minX = -Infinity,
  maxX = Infinity,
): void {
  const texts = tickTexts(g);
  thinTickTexts(
    texts,
    texts.map((t) => boxOf(t)),
    occ,
    horizontal,
    minX,
    maxX,
  );
}

/** thinTicks on texts whose boxes were measured already (a chart reads all its boxes in one layout). */
export function thinTickTexts(
  texts: SVGTextElement[],
  boxes: Box[],
  occ: Occupancy,
  horizontal: boolean,
  minX = -Infinity,
  maxX = Infinity,
): void {
  if (!texts.length) return;
  const size = Math.max(...boxes.map((b) => (horizontal ? b.w : b.h)));
  const pos = boxes.map((b) => (horizontal ? b.x + b.w / 2 : b.y + b.h / 2));
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < pos.length; i++) step = Math.min(step, Math.abs(pos[i] - pos[i - 1]));
  const stride = pos.length > 1 ? tickStride(step, size, horizontal ? 6 : 2) : 1;
  texts.forEach((t, i) => {
    const b = boxes[i];
    const keep = i % stride === 0 && b.x >= minX - 0.5 && b.x + b.w <= maxX + 0.5 && occ.free(b);
    if (keep) occ.add(b);
    else t.remove();
  });
}
