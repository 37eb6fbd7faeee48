/** The history slice: entries in memory, kept in step with IndexedDB; every failure becomes a message. */
import { create } from 'zustand';
import { shareHash } from '../runtime/url-sync';
import type { LabStore } from '../store/lab-store';
import { type HistoryEntry, type HistoryStore, openHistory, toEntry } from './history-db';

export interface HistoryState {
  entries: HistoryEntry[];
  /** Why history is off or an operation failed, shown in the drawer (and once as a toast). */
  error: string | null;
  open: boolean;
  comparing: boolean;
  setOpen(v: boolean): void;
  setComparing(v: boolean): void;
  togglePin(id: number): Promise<void>;
  remove(id: number): Promise<void>;
  clear(): Promise<void>;
}

/** Resolves when the main thread is next idle (at most two seconds on), or after a frame where idle callbacks are missing. */
function idle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 2000 });
    else setTimeout(resolve, 16);
  });
}

export function startHistory(lab: LabStore) {
  let db: HistoryStore | null = null;
  const store = create<HistoryState>()((set, get) => {
    const run = async (f: (d: HistoryStore) => Promise<unknown>) => {
      if (!db) return;
      try {
        await f(db);
        set({ entries: await db.list(), error: null });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        set({ error: msg });
        lab.getState().notify(msg);
      }
    };
    return {
      entries: [],
      error: null,
      open: false,
      comparing: false,
      setOpen: (v) => set({ open: v }),
      setComparing: (v) => set({ comparing: v }),
      togglePin: (id) => run(async (d) => d.setPinned(id, !get().entries.find((e) => e.id === id)?.pinned)),
      remove: (id) => run((d) => d.remove(id)),
      clear: () => run((d) => d.clear()),
    };
  });

  const ready = openHistory().then(
    async (d) => {
      db = d;
      store.setState({ entries: await d.list() });
      for (const n of d.notices) lab.getState().notify(n);
    },
    (e: unknown) => store.setState({ error: e instanceof Error ? e.message : String(e) }),
  );

  // Save each newly finished run.
  lab.subscribe((s, prev) => {
    if (s.results === prev.results) return;
    const r = s.results[s.experiment];
    if (!r || r === prev.results[s.experiment]) return;
    // Copying the result's arrays and measuring its views is slow for big results: not in the task that
    // shows the result, but when the main thread is idle (within two seconds).
    void ready
      .then(() => idle())
      .then(async () => {
        if (!db) return;
        try {
          const entry = toEntry(
            r,
            shareHash({ experiment: r.experiment, values: r.spec, meta: {}, backend: r.backend }),
          );
          await idle();
          await db.add(entry);
          store.setState({ entries: await db.list(), error: null });
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          store.setState({ error: msg });
          lab.getState().notify(msg);
        }
      });
  });
  return { store, ready };
}

export type HistoryRuntime = ReturnType<typeof startHistory>;
