/**
 * A preset's numbers, reduced to fingerprints: one SHA-256 per output array (its dtype, shape and bytes), one per
 * metric value and one over the views' JSON, from a run on the CPU backend. Refactors must leave them identical;
 * test/preset-numbers.test.ts compares them with test/fixtures/preset-fingerprints.json, which
 * scripts/preset-fingerprints.ts writes (only when a change of numbers is intended, said in the commit).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRESETS } from '../app/content/presets';
import { runExperiment } from '../workers/experiments/runner';
import type { RunContext } from '../workers/experiments/types';
import { datasetLoader } from '../workers/io/datasets';
import { resolveLocation } from '../workers/spec/resolve';

export interface Fingerprint {
  experiment: string;
  arrays: Record<string, string>;
  metrics: Record<string, string>;
  views: string;
}

/** Metrics and view keys that measure time (ms, seconds, speed-ups) differ run to run and are left out. */
export const TIMING_KEY =
  /(^|[^a-z])(ms|time|times|seconds|wall|speedup|throughput)([^a-z]|$)|Ms$|Time|_per_s(econd)?$/i;

function sha(x: string | Uint8Array): string {
  return createHash('sha256').update(x).digest('hex').slice(0, 16);
}

/** A table row that reports a time or a speed-up ({label: 'Kernel time', value, unit: 'ms'}). */
function isTimingRow(x: unknown): boolean {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const r = x as { label?: unknown; unit?: unknown };
  if (typeof r.unit === 'string' && /^(ms|s|µs|\/s)$/.test(r.unit)) return true;
  return typeof r.label === 'string' && /time|speed-?up|per second|throughput|\bms\b/i.test(r.label);
}

/** JSON with sorted keys, full-precision numbers, and timing-named keys dropped. */
export function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) return `"${String(v)}"`;
    // Prose that quotes a measured time ("Dense took 80.62 ms") keeps its words, not the time.
    if (typeof v === 'string') return JSON.stringify(v.replace(/[\d.]+\s?(ms|s)\b/g, 'T $1'));
    return JSON.stringify(v) ?? 'undefined';
  }
  if (ArrayBuffer.isView(v)) return `[${Array.from(v as unknown as ArrayLike<number>).join(',')}]`;
  if (Array.isArray(v))
    return `[${v
      .filter((x) => !isTimingRow(x))
      .map(stable)
      .join(',')}]`;
  const o = v as Record<string, unknown>;
  // A table given as {columns, rows}: the columns that report times are left out of every row.
  if (Array.isArray(o.columns) && Array.isArray(o.rows)) {
    const timed = new Set(
      o.columns.flatMap((c, i) => (typeof c === 'string' && /time|\bms\b|speed-?up/i.test(c) ? [i] : [])),
    );
    if (timed.size) {
      const rows = o.rows.map((r) => (Array.isArray(r) ? r.filter((_, i) => !timed.has(i)) : r));
      return stable({ ...o, columns: o.columns.filter((_, i) => !timed.has(i)), rows });
    }
  }
  const keys = Object.keys(o)
    .filter((k) => !TIMING_KEY.test(k))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

export async function presetFingerprint(hash: string): Promise<Fingerprint> {
  const r = resolveLocation(hash);
  if ('error' in r) throw new Error(`${hash}: ${r.error}`);
  const ctx: RunContext = {
    backend: 'cpu',
    gpu: null,
    data: {},
    dataset: datasetLoader((file) => readFile(join(process.cwd(), 'public', 'datasets', file), 'utf8')),
    signal: new AbortController().signal,
    progress: () => {},
  };
  const out = await runExperiment(r.def.id, r.values, ctx);
  const arrays: Record<string, string> = {};
  for (const [name, a] of Object.entries(out.arrays).sort(([x], [y]) => x.localeCompare(y))) {
    const data = a.data as unknown as ArrayBufferView;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    arrays[name] = sha(`${a.dtype}|${a.shape.join('x')}|${sha(bytes)}`);
  }
  const metrics: Record<string, string> = {};
  for (const [name, v] of Object.entries(out.metrics).sort(([x], [y]) => x.localeCompare(y))) {
    if (!TIMING_KEY.test(name)) metrics[name] = Object.is(v, -0) ? '-0' : String(v);
  }
  return { experiment: r.def.id, arrays, metrics, views: sha(stable(out.views ?? {})) };
}

export const PRESET_HASHES: ReadonlyArray<{ id: string; hash: string }> = PRESETS.map((p) => ({
  id: p.id,
  hash: p.hash,
}));
