/**
 * Run history in IndexedDB (through idb): finished runs with their spec, metrics, views and small arrays
 * (never the user's files). Records carry a format number; records of another format are discarded with
 * a message, and a database written by a newer SparseLab is left alone rather than breaking the app.
 */
import { type IDBPDatabase, openDB } from 'idb';
import type { NdArray } from '../../workers/core/ndarray';
import type { RunResult } from '../../workers/experiments/types';
import { adapterName } from '../../workers/gpu/device';

export const HISTORY_FORMAT = 1;
const DB_NAME = 'sparselab-history';
const DB_VERSION = 1;
const MAX_ARRAY = 4096;
const MAX_VIEWS_CHARS = 400_000;

export interface StoredArray {
  dtype: NdArray['dtype'];
  shape: number[];
  data: number[];
}

export interface HistoryEntry {
  id?: number;
  format: number;
  experiment: string;
  /** The share hash that reproduces the run. */
  hash: string;
  spec: Record<string, unknown>;
  backend: string;
  /** Per stage, the backend that ran it (absent in entries stored before stages were recorded). */
  stages?: RunResult['stages'];
  adapter: string | null;
  metrics: Record<string, number>;
  timings: Record<string, number>;
  views: Record<string, unknown> | null;
  arrays: Record<string, StoredArray>;
  parity: RunResult['parity'] | null;
  nonFinite: Record<string, number>;
  /** The user's files the run read (names, dtypes, conversions; never their contents). */
  inputs?: RunResult['inputs'];
  wallMs: number;
  finishedAt: string;
  pinned: boolean;
}

export class HistoryError extends Error {
  override name = 'HistoryError';
}

export function toEntry(r: RunResult, hash: string): HistoryEntry {
  const arrays: Record<string, StoredArray> = {};
  for (const [k, a] of Object.entries(r.arrays)) {
    if (a.data.length > MAX_ARRAY || a.dtype === 'int64') continue;
    arrays[k] = { dtype: a.dtype, shape: a.shape, data: Array.from(a.data as ArrayLike<number>) };
  }
  const viewsText = r.views ? JSON.stringify(r.views) : '';
  return {
    format: HISTORY_FORMAT,
    experiment: r.experiment,
    hash,
    spec: r.spec,
    backend: r.backend,
    stages: r.stages,
    adapter: r.adapter ? adapterName(r.adapter) : null,
    metrics: r.metrics,
    timings: r.timings,
    views: viewsText.length <= MAX_VIEWS_CHARS ? (r.views ?? null) : null,
    arrays,
    parity: r.parity ?? null,
    nonFinite: r.nonFinite,
    ...(r.inputs ? { inputs: r.inputs } : {}),
    wallMs: r.wallMs,
    finishedAt: r.finishedAt,
    pinned: false,
  };
}

/** A stored run in the shape the lab views take (arrays rebuilt; large ones were not kept). */
export function toResult(e: HistoryEntry): RunResult {
  const arrays: Record<string, NdArray> = {};
  for (const [k, a] of Object.entries(e.arrays)) {
    const data =
      a.dtype === 'float64'
        ? Float64Array.from(a.data)
        : a.dtype === 'int32'
          ? Int32Array.from(a.data)
          : a.dtype === 'float32'
            ? Float32Array.from(a.data)
            : Uint8Array.from(a.data);
    arrays[k] = { dtype: a.dtype, shape: a.shape, data };
  }
  return {
    experiment: e.experiment,
    spec: e.spec,
    backend: e.backend as RunResult['backend'],
    stages: Array.isArray(e.stages) ? e.stages : [],
    adapter: null,
    metrics: e.metrics,
    timings: e.timings,
    views: e.views ?? undefined,
    arrays,
    parity: e.parity ?? undefined,
    nonFinite: e.nonFinite,
    ...(e.inputs ? { inputs: e.inputs } : {}),
    wallMs: e.wallMs,
    finishedAt: e.finishedAt,
  };
}

export interface HistoryStore {
  list(): Promise<HistoryEntry[]>;
  add(e: HistoryEntry): Promise<number>;
  setPinned(id: number, pinned: boolean): Promise<void>;
  remove(id: number): Promise<void>;
  clear(): Promise<void>;
  /** Messages from opening (discarded old entries). */
  notices: string[];
}

function explain(e: unknown): string {
  const name = (e as { name?: string })?.name;
  if (name === 'QuotaExceededError')
    return 'the browser refused to store more (storage quota exceeded): delete or clear old runs';
  return e instanceof Error ? e.message : String(e);
}

export async function openHistory(): Promise<HistoryStore> {
  if (typeof indexedDB === 'undefined')
    throw new HistoryError('this browser has no IndexedDB; run history is off');
  let db: IDBPDatabase;
  try {
    db = await openDB(DB_NAME, DB_VERSION, {
      upgrade(up) {
        if (!up.objectStoreNames.contains('runs')) {
          const s = up.createObjectStore('runs', { keyPath: 'id', autoIncrement: true });
          s.createIndex('finishedAt', 'finishedAt');
        }
      },
    });
  } catch (e) {
    if ((e as { name?: string })?.name === 'VersionError') {
      throw new HistoryError('run history was written by a newer SparseLab and is not shown here');
    }
    throw new HistoryError(`run history is unavailable: ${explain(e)}`);
  }
  const notices: string[] = [];
  // Discard records of other formats, once, with a message.
  const all = (await db.getAll('runs')) as HistoryEntry[];
  const stale = all.filter((e) => e.format !== HISTORY_FORMAT);
  if (stale.length) {
    const tx = db.transaction('runs', 'readwrite');
    await Promise.all(stale.map((e) => tx.store.delete(e.id as number)));
    await tx.done;
    notices.push(
      `${stale.length} run(s) saved by an older SparseLab could not be read and were removed from history`,
    );
  }
  const guard = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw new HistoryError(`could not update run history: ${explain(e)}`);
    }
  };
  return {
    notices,
    async list() {
      const rows = (await db.getAllFromIndex('runs', 'finishedAt')) as HistoryEntry[];
      return rows.filter((e) => e.format === HISTORY_FORMAT).reverse();
    },
    add: (e) => guard(async () => (await db.add('runs', e)) as number),
    setPinned: (id, pinned) =>
      guard(async () => {
        const e = (await db.get('runs', id)) as HistoryEntry | undefined;
        if (e) await db.put('runs', { ...e, pinned });
      }),
    remove: (id) => guard(() => db.delete('runs', id)),
    clear: () => guard(() => db.clear('runs')),
  };
}
