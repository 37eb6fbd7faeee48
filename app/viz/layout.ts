/**
 * Label layout that cannot collide: pure geometry (boxes, spreading labels along an axis, thinning ticks,
 * truncating text to a width) shared by the SVG charts and the canvas views. No DOM here, so it is unit-tested.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Do two boxes overlap by more than `slack` pixels in both directions? */
export function overlaps(a: Box, b: Box, slack = 0.5): boolean {
  return (
    a.x + slack < b.x + b.w && b.x + slack < a.x + a.w && a.y + slack < b.y + b.h && b.y + slack < a.y + a.h
  );
}

/** A set of occupied boxes: a label is placed only where it touches none of them. */
export class Occupancy {
  readonly boxes: Box[] = [];
  constructor(private readonly pad = 1) {}
  free(b: Box): boolean {
    const p = this.pad;
    const grown = { x: b.x - p, y: b.y - p, w: b.w + 2 * p, h: b.h + 2 * p };
    return this.boxes.every((o) => !overlaps(grown, o));
  }
  add(b: Box): void {
    this.boxes.push(b);
  }
  /** Adds the box and returns true when it is free; returns false (and adds nothing) otherwise. */
  tryAdd(b: Box): boolean {
    if (!this.free(b)) return false;
    this.add(b);
    return true;
  }
}

/**
 * Spreads labels wanted at positions `want` (one axis, e.g. y of a line's end) so that neighbours are at
 * least `gap` apart, staying within [lo, hi]. Labels that would move more than `maxShift` from where they
 * belong are dropped (null), so a label never points at the wrong line. Order of the output = order of input.
 */
export function spreadLabels(
  want: number[],
  gap: number,
  lo: number,
  hi: number,
  maxShift = Number.POSITIVE_INFINITY,
): Array<number | null> {
  const order = want.map((_, i) => i).sort((a, b) => want[a] - want[b]);
  const room = Math.max(0, Math.floor((hi - lo) / gap) + 1);
  // Keep at most as many labels as fit; when there are more, keep an even selection by rank.
  const keep = new Set<number>();
  if (order.length <= room) for (const i of order) keep.add(i);
  else if (room > 0) {
    for (let j = 0; j < room; j++)
      keep.add(order[Math.round((j * (order.length - 1)) / Math.max(1, room - 1))]);
  }
  const kept = order.filter((i) => keep.has(i));
  const pos = kept.map((i) => Math.min(hi, Math.max(lo, want[i])));
  // Forward pass pushes down, backward pass pulls up within bounds; repeat until stable.
  for (let iter = 0; iter < 50; iter++) {
    let moved = false;
    for (let j = 1; j < pos.length; j++)
      if (pos[j] < pos[j - 1] + gap) {
        pos[j] = pos[j - 1] + gap;
        moved = true;
      }
    if (pos.length && pos[pos.length - 1] > hi) {
      pos[pos.length - 1] = hi;
      moved = true;
    }
    for (let j = pos.length - 2; j >= 0; j--)
      if (pos[j] > pos[j + 1] - gap) {
        pos[j] = pos[j + 1] - gap;
        moved = true;
      }
    if (pos.length && pos[0] < lo) {
      pos[0] = lo;
      moved = true;
    }
    if (!moved) break;
  }
  const out: Array<number | null> = want.map(() => null);
  kept.forEach((i, j) => {
    if (Math.abs(pos[j] - want[i]) <= maxShift) out[i] = pos[j];
  });
  return out;
}

/**
 * Which of `n` evenly spaced tick labels to show when each needs `size` pixels (plus `gap`) and neighbours
 * are `step` pixels apart: every k-th, the smallest k that fits. Returns the stride k (≥ 1).
 */
export function tickStride(step: number, size: number, gap = 4): number {
  if (!(step > 0)) return 1;
  return Math.max(1, Math.ceil((size + gap) / step));
}

/**
 * Truncates `text` with an ellipsis so that `measure(text)` ≤ `width`; returns the text unchanged when it
 * fits. `measure` gives a width in pixels (real text metrics in the browser, an estimate in tests).
 */
export function truncateToWidth(text: string, width: number, measure: (s: string) => number): string {
  if (measure(text) <= width) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${chars.slice(0, mid).join('').trimEnd()}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${chars.slice(0, lo).join('').trimEnd()}…`;
}

/**
 * A minimum span for an axis domain, so a nearly constant series is drawn flat instead of magnified noise:
 * the domain is widened around its centre to at least `minSpan` (absolute) or `rel` × its largest magnitude.
 */
export function withMinSpan(lo: number, hi: number, minSpan = 0, rel = 0.05): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [lo, hi];
  const need = Math.max(minSpan, rel * Math.max(Math.abs(lo), Math.abs(hi)));
  if (hi - lo >= need || need === 0) return [lo, hi];
  const mid = (lo + hi) / 2;
  let a = mid - need / 2;
  let b = mid + need / 2;
  // Do not push a non-negative series below zero just to widen it.
  if (lo >= 0 && a < 0) {
    b -= a;
    a = 0;
  }
  return [a, b];
}
