/**
 * Token-list sparse attention, float64 reference (the CPU side of shaders/attention/gather.wgsl).
 * Each 32-query tile has a list of (key, tag) entries; key j is visible to query i of the tile iff
 * (causal ⇒ j ≤ i) and: tag ALL → always; tag WINDOW → i − j < w (causal) or |i − j| ≤ ⌊w/2⌋;
 * otherwise tag = a column c and query i must have bit c set in its own bitmask (SEA's per-query mask).
 * HiP and SEA build these lists; the kernel and this reference then agree by construction.
 */
import { type AttnDims, type AttnResult, attendKeys } from './dense';

export const TAG_ALL = 0xffffffff;
export const TAG_WINDOW = 0xfffffffe;
export const GATHER_TILE = 32;

export interface TileList {
  keys: Int32Array;
  tags: Uint32Array;
}

export interface GatherOpts extends AttnDims {
  window: number;
  /** Words per query in `bits` (0 when no tag is a column). */
  words: number;
}

export function gatherVisible(
  o: GatherOpts,
  i: number,
  j: number,
  tag: number,
  bits: Uint32Array | null,
): boolean {
  if (o.causal && j > i) return false;
  if (tag === TAG_ALL) return true;
  if (tag === TAG_WINDOW) return o.causal ? i - j < o.window : Math.abs(i - j) <= Math.floor(o.window / 2);
  return bits !== null && ((bits[i * o.words + (tag >>> 5)] >>> (tag & 31)) & 1) === 1;
}

export function gatherKeys(
  o: GatherOpts,
  tiles: TileList[],
  bits: Uint32Array | null,
  i: number,
): Int32Array {
  const t = tiles[Math.floor(i / GATHER_TILE)];
  const keys: number[] = [];
  for (let e = 0; e < t.keys.length; e++)
    if (gatherVisible(o, i, t.keys[e], t.tags[e], bits)) keys.push(t.keys[e]);
  return Int32Array.from(keys);
}

export function gatherAttentionRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: GatherOpts,
  tiles: TileList[],
  bits: Uint32Array | null = null,
): AttnResult {
  return attendKeys(q, k, v, o.n, o.d, (i) => gatherKeys(o, tiles, bits, i));
}

/** Builds a tile list from (key, tag) pairs: sorted by key, one entry per key, ALL winning over other tags. */
export function tileListFrom(entries: Map<number, number>): TileList {
  const keys = Int32Array.from([...entries.keys()].sort((a, b) => a - b));
  return { keys, tags: Uint32Array.from(keys, (j) => entries.get(j)!) };
}

/** Adds key j with a tag unless it is already there with ALL. */
export function addEntry(m: Map<number, number>, j: number, tag: number): void {
  if (m.get(j) !== TAG_ALL) m.set(j, tag);
}

/** Visible (query, key) pairs of a set of tile lists. */
export function gatherPairs(o: GatherOpts, tiles: TileList[], bits: Uint32Array | null): number {
  let pairs = 0;
  for (let i = 0; i < o.n; i++) pairs += gatherKeys(o, tiles, bits, i).length;
  return pairs;
}
