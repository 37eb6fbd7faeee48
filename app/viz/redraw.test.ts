import { describe, expect, it } from 'vitest';
import { type Point, thinForPixels } from './line-chart';
import { sameInputs } from './same';

describe('sameInputs (a chart redraws only when its inputs changed)', () => {
  it('treats rebuilt equal series as the same and any changed number as different', () => {
    const a = { title: 't', series: [{ name: 'a', points: [{ x: 1, y: 2 }] }], yLog: true };
    const b = { title: 't', series: [{ name: 'a', points: [{ x: 1, y: 2 }] }], yLog: true };
    expect(sameInputs(a, b)).toBe(true);
    expect(sameInputs(a, { ...b, series: [{ name: 'a', points: [{ x: 1, y: 2.0000001 }] }] })).toBe(false);
    expect(
      sameInputs(a, {
        ...b,
        series: [
          {
            name: 'a',
            points: [
              { x: 1, y: 2 },
              { x: 2, y: 3 },
            ],
          },
        ],
      }),
    ).toBe(false);
    expect(sameInputs(a, { ...b, yLog: undefined })).toBe(false);
    expect(sameInputs(a, { title: 't', series: b.series })).toBe(false);
  });
  it('compares typed arrays by content and NaN equal to NaN; callbacks compare equal', () => {
    expect(sameInputs(new Float32Array([1, Number.NaN]), new Float32Array([1, Number.NaN]))).toBe(true);
    expect(sameInputs(new Float32Array([1, 2]), new Float32Array([1, 3]))).toBe(false);
    expect(sameInputs(new Float32Array([1, 2]), new Float64Array([1, 2]))).toBe(false);
    expect(sameInputs(new Float32Array([1, 2]), [1, 2])).toBe(false);
    expect(sameInputs({ f: () => 1 }, { f: () => 2 })).toBe(true);
    expect(sameInputs({ f: () => 1 }, { f: undefined })).toBe(false);
  });
});

describe('thinForPixels (min/max per pixel column)', () => {
  const ok = (p: Point) => Number.isFinite(p.y);
  it('leaves short series alone', () => {
    const pts = Array.from({ length: 50 }, (_, i) => ({ x: i, y: i * i }));
    expect(thinForPixels(pts, (p) => p.x, ok, 10)).toBe(pts);
  });
  it('keeps each column’s first, lowest, highest and last point, in order, and every gap', () => {
    // 10,000 points over 100 columns, a deterministic wiggle with one spike and one NaN gap.
    const n = 10_000;
    const pts: Point[] = Array.from({ length: n }, (_, i) => ({
      x: i,
      y: Math.sin(i * 0.37) + (i % 7) * 0.01,
    }));
    pts[4321].y = 50;
    pts[777].y = Number.NaN;
    const px = (p: Point) => (p.x / n) * 100;
    const out = thinForPixels(pts, px, ok, 100);
    expect(out.length).toBeLessThanOrEqual(4 * 101 + 1);
    expect(out.length).toBeGreaterThan(100);
    // In input order, no duplicates.
    for (let i = 1; i < out.length; i++) expect(out[i].x).toBeGreaterThan(out[i - 1].x);
    expect(out).toContain(pts[4321]);
    expect(out).toContain(pts[777]);
    expect(out[0]).toBe(pts[0]);
    expect(out[out.length - 1]).toBe(pts[n - 1]);
    // Per column, the kept extremes are the true ones (computed independently here).
    const cols = new Map<number, Point[]>();
    for (const p of pts) {
      if (!ok(p)) continue;
      const c = Math.floor(px(p));
      cols.set(c, [...(cols.get(c) ?? []), p]);
    }
    const kept = new Set(out);
    for (const [, ps] of cols) {
      const lo = ps.reduce((a, p) => (p.y < a.y ? p : a));
      const hi = ps.reduce((a, p) => (p.y > a.y ? p : a));
      expect(kept.has(lo) && kept.has(hi)).toBe(true);
    }
  });
});
