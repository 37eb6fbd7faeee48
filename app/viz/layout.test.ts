import { describe, expect, it } from 'vitest';
import { Occupancy, overlaps, spreadLabels, tickStride, truncateToWidth, withMinSpan } from './layout';

const est = (s: string) => [...s].length * 7;

describe('label layout', () => {
  it('detects overlapping boxes and refuses to place a label on another', () => {
    expect(overlaps({ x: 0, y: 0, w: 10, h: 10 }, { x: 9, y: 9, w: 5, h: 5 })).toBe(true);
    expect(overlaps({ x: 0, y: 0, w: 10, h: 10 }, { x: 10, y: 0, w: 5, h: 5 })).toBe(false);
    const occ = new Occupancy(0);
    expect(occ.tryAdd({ x: 0, y: 0, w: 20, h: 10 })).toBe(true);
    expect(occ.tryAdd({ x: 15, y: 5, w: 20, h: 10 })).toBe(false);
    expect(occ.tryAdd({ x: 25, y: 5, w: 20, h: 10 })).toBe(true);
    expect(occ.boxes).toHaveLength(2);
  });

  it('spreads labels at least a gap apart within bounds, dropping those pushed too far', () => {
    const want = [50, 51, 52, 200, 49];
    const got = spreadLabels(want, 12, 0, 300, 30);
    const placed = got.filter((v): v is number => v !== null).sort((a, b) => a - b);
    for (let i = 1; i < placed.length; i++)
      expect(placed[i] - placed[i - 1]).toBeGreaterThanOrEqual(12 - 1e-9);
    expect(got[3]).toBe(200);
    got.forEach((v, i) => {
      if (v !== null) expect(Math.abs(v - want[i])).toBeLessThanOrEqual(30);
    });
    // 50 labels in 100 px with a 12 px gap: at most 9 fit.
    const many = spreadLabels(
      Array.from({ length: 50 }, (_, i) => i * 2),
      12,
      0,
      100,
    );
    const kept = many.filter((v) => v !== null).length;
    expect(kept).toBeLessThanOrEqual(9);
    expect(kept).toBeGreaterThan(3);
  });

  it('thins ticks to the smallest stride that fits', () => {
    expect(tickStride(40, 30)).toBe(1);
    expect(tickStride(20, 30)).toBe(2);
    expect(tickStride(10, 35, 5)).toBe(4);
  });

  it('truncates text to a width with an ellipsis', () => {
    expect(truncateToWidth('short', 100, est)).toBe('short');
    const t = truncateToWidth('ŵ_j (label: status and true value)', 70, est);
    expect(t.endsWith('…')).toBe(true);
    expect(est(t)).toBeLessThanOrEqual(70);
    expect(truncateToWidth('abc', 3, est)).toBe('');
  });

  it('gives a nearly constant series a minimum span instead of magnifying its noise', () => {
    const [lo, hi] = withMinSpan(3.9965, 4.0);
    expect(hi - lo).toBeGreaterThanOrEqual(0.2 - 1e-12);
    expect(lo).toBeLessThan(3.9965);
    expect(hi).toBeGreaterThan(4.0);
    expect(withMinSpan(0, 10)).toEqual([0, 10]);
    // A non-negative series is not pushed below zero.
    const [a] = withMinSpan(0, 0.001, 1);
    expect(a).toBe(0);
  });
});
