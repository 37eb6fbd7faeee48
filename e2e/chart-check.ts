/**
 * The layout check behind chart-layout.spec.ts: inside every visible chart, no two visible text boxes may
 * overlap and no text may leave its chart. SVG text is measured from the DOM as oriented boxes (rotated tick
 * labels are compared as the rotated rectangles they are); canvas labels come from the registry the canvas
 * views keep (`data-label-boxes`, canvas pixels); HTML text in a chart (titles, legends, notes) must stay
 * inside the chart's box.
 */
import type { Page } from '@playwright/test';

export interface LayoutProblem {
  chart: string;
  problem: string;
}

export async function chartProblems(page: Page): Promise<LayoutProblem[]> {
  // Let a resize or a mode switch redraw (ResizeObserver, React) before measuring.
  await page.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  );
  return page.evaluate(() => {
    type Pt = { x: number; y: number };
    type Quad = { pts: Pt[]; text: string };
    const problems: Array<{ chart: string; problem: string }> = [];
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      if (r.width < 0.5 || r.height < 0.5) return false;
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) return false;
      }
      return true;
    };
    const quadOf = (t: SVGGraphicsElement): Pt[] | null => {
      const b = t.getBBox();
      const m = t.getScreenCTM();
      if (!m || b.width === 0 || b.height === 0) return null;
      return [
        [b.x, b.y],
        [b.x + b.width, b.y],
        [b.x + b.width, b.y + b.height],
        [b.x, b.y + b.height],
      ].map(([x, y]) => ({ x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f }));
    };
    // Separating-axis test for two convex quads, shrunk by `slack` pixels of tolerance.
    const separated = (a: Pt[], b: Pt[], slack: number) => {
      for (const poly of [a, b])
        for (let i = 0; i < poly.length; i++) {
          const p = poly[i];
          const q = poly[(i + 1) % poly.length];
          const nx = q.y - p.y;
          const ny = p.x - q.x;
          const len = Math.hypot(nx, ny) || 1;
          const proj = (s: Pt[]) => s.map((v) => (v.x * nx + v.y * ny) / len);
          const pa = proj(a);
          const pb = proj(b);
          if (Math.max(...pa) - slack <= Math.min(...pb) || Math.max(...pb) - slack <= Math.min(...pa))
            return true;
        }
      return false;
    };
    const inside = (pts: Pt[], r: DOMRect, slack: number) =>
      pts.every(
        (p) =>
          p.x >= r.left - slack && p.x <= r.right + slack && p.y >= r.top - slack && p.y <= r.bottom + slack,
      );
    const name = (el: Element) =>
      (el.closest('figure')?.getAttribute('data-title') ?? el.getAttribute('aria-label') ?? 'chart').slice(
        0,
        70,
      );

    const checkQuads = (chart: string, quads: Quad[], frame: DOMRect) => {
      for (let i = 0; i < quads.length; i++) {
        if (!inside(quads[i].pts, frame, 1.5))
          problems.push({ chart, problem: `text "${quads[i].text}" overflows its chart` });
        for (let j = i + 1; j < quads.length; j++)
          if (!separated(quads[i].pts, quads[j].pts, 1))
            problems.push({ chart, problem: `"${quads[i].text}" overlaps "${quads[j].text}"` });
      }
    };

    for (const fig of document.querySelectorAll('figure.viz')) {
      if (!visible(fig)) continue;
      const chart = name(fig);
      const frame = fig.getBoundingClientRect();
      for (const svg of fig.querySelectorAll('svg')) {
        if (!visible(svg)) continue;
        const svgRect = svg.getBoundingClientRect();
        if (svgRect.right > frame.right + 1.5 || svgRect.left < frame.left - 1.5)
          problems.push({ chart, problem: 'the chart is wider than its card' });
        const quads: Quad[] = [];
        for (const t of svg.querySelectorAll<SVGTextElement>('text')) {
          if (!t.textContent?.trim() || !visible(t)) continue;
          const pts = quadOf(t);
          if (pts) quads.push({ pts, text: t.textContent.trim().slice(0, 40) });
        }
        checkQuads(chart, quads, svgRect);
      }
      // HTML text of the chart (heatmap titles, legends, notes): inside the chart, horizontally.
      for (const el of fig.querySelectorAll<HTMLElement>(
        '.chart-title, .chart-legend, .chart-note, .chart-warning, .chart-readout',
      )) {
        if (!(el instanceof HTMLElement) || !visible(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.left < frame.left - 1.5 || r.right > frame.right + 1.5 || el.scrollWidth > el.clientWidth + 1)
          problems.push({ chart, problem: `"${(el.textContent ?? '').slice(0, 40)}" overflows its chart` });
      }
    }

    // Canvas views that draw text keep a registry of the label boxes they drew.
    for (const cv of document.querySelectorAll<HTMLCanvasElement>('canvas[data-label-boxes]')) {
      if (!visible(cv)) continue;
      const r = cv.getBoundingClientRect();
      const sx = r.width / cv.width;
      const sy = r.height / cv.height;
      const boxes = JSON.parse(cv.dataset.labelBoxes ?? '[]') as Array<{
        x: number;
        y: number;
        w: number;
        h: number;
        text: string;
      }>;
      const quads = boxes.map((b) => {
        const x0 = r.left + b.x * sx;
        const y0 = r.top + b.y * sy;
        const x1 = x0 + b.w * sx;
        const y1 = y0 + b.h * sy;
        return {
          text: b.text,
          pts: [
            { x: x0, y: y0 },
            { x: x1, y: y0 },
            { x: x1, y: y1 },
            { x: x0, y: y1 },
          ],
        };
      });
      checkQuads(name(cv), quads, r);
      const card = cv.closest('section')?.getBoundingClientRect();
      if (card && r.right > card.right + 1.5)
        problems.push({ chart: name(cv), problem: 'canvas wider than its card' });
    }
    return problems;
  });
}
