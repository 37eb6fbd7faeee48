/**
 * The app's state, built from slices: spec (what to run, from the URL), run (what the worker is doing),
 * device and ui. Views read it through selectors; one subscriber keeps the URL in sync.
 */
import { create } from 'zustand';
import type { Progress, RunResult } from '../../workers/experiments/types';
import type { DeviceInfo } from '../../workers/lab.worker';
import { editValue, filesNamed, selectFileSource } from '../../workers/spec/data-rule';
import type { Issue } from '../../workers/spec/define';
import type { FileRef } from '../../workers/spec/fields';
import { specFor } from '../../workers/spec/registry';
import { resolveLocation } from '../../workers/spec/resolve';
import type { Meta } from '../../workers/spec/url';

export type Backend = 'webgpu' | 'cpu';
export type RunStatus =
  | 'idle'
  | 'running'
  | 'paused'
  | 'done'
  | 'error'
  | 'cancelled'
  | 'needs-file'
  | 'invalid';

/** One lab's run: each lab has its own, so a training run goes on while another lab is open. */
export interface RunEntry {
  status: RunStatus;
  progress: Progress | null;
  error: string | null;
  seq: number;
}

export const IDLE_RUN: RunEntry = { status: 'idle', progress: null, error: null, seq: 0 };

/** The current lab's run. */
export const currentRun = (s: LabState): RunEntry => s.runs[s.experiment] ?? IDLE_RUN;

/** A lab's parameters, kept while another lab is open. */
interface SavedSpec {
  values: Record<string, unknown>;
  meta: Meta;
  files: Record<string, UserFile>;
}

export interface UserFile {
  name: string;
  bytes: ArrayBuffer;
  ref: FileRef;
  dtype: string;
  /** Conversions made on read (Fortran order transposed, byte-swapped, a pandas index dropped). */
  notes?: string[];
}

export const DEFAULT_EXPERIMENT = 'attention';

export interface SpecSlice {
  /** The landing page (gallery, tours) or a lab. */
  page: 'landing' | 'lab';
  experiment: string;
  values: Record<string, unknown>;
  /** Problems found in the link that opened this spec (shown until dismissed). */
  issues: Issue[];
  meta: Meta;
  files: Record<string, UserFile>;
  setValue(key: string, value: unknown): void;
  setExperiment(id: string): void;
  showLanding(): void;
  setMeta(meta: Meta): void;
  loadLocation(hash: string): void;
  resetSpec(): void;
  attachFile(key: string, file: UserFile): void;
  detachFile(key: string): void;
  dismissIssues(): void;
}

export interface RunSlice {
  runs: Record<string, RunEntry>;
  /** Last finished result per experiment, so switching tabs keeps each lab's picture. */
  results: Record<string, RunResult>;
  saved: Record<string, SavedSpec>;
  startRun(experiment: string): number;
  setProgress(experiment: string, seq: number, p: Progress): void;
  setPaused(experiment: string, paused: boolean): void;
  finishRun(experiment: string, seq: number, r: RunResult): void;
  failRun(experiment: string, seq: number, status: RunStatus, message: string | null): void;
  /** Bumped to ask for a run of the same spec again. */
  rerun: number;
  requestRun(): void;
}

export interface DeviceSlice {
  backend: Backend;
  device: DeviceInfo | null;
  setBackend(b: Backend): void;
  setDevice(d: DeviceInfo): void;
}

export interface UiSlice {
  theme: 'light' | 'dark';
  largeText: boolean;
  help: boolean;
  toast: string | null;
  setTheme(t: 'light' | 'dark'): void;
  setLargeText(v: boolean): void;
  setHelp(v: boolean): void;
  notify(msg: string | null): void;
}

export type LabState = SpecSlice & RunSlice & DeviceSlice & UiSlice;

function defaultsOf(id: string): Record<string, unknown> {
  return { ...((specFor(id)?.defaults as Record<string, unknown>) ?? {}) };
}

export function createLabStore(initialExperiment = DEFAULT_EXPERIMENT) {
  return create<LabState>()((set, get) => ({
    // spec
    page: 'lab',
    experiment: initialExperiment,
    values: defaultsOf(initialExperiment),
    issues: [],
    meta: {},
    files: {},
    // Through the lab's data rule: switching the source away from your files drops them (and their names
    // from the URL).
    setValue: (key, value) =>
      set((s) => {
        const def = specFor(s.experiment);
        if (!def) return { values: { ...s.values, [key]: value } };
        const { values, drop } = editValue(def, s.values, key, value);
        if (!drop.length) return { values };
        const files = { ...s.files };
        for (const k of drop) delete files[k];
        return { values, files };
      }),
    showLanding: () => set({ page: 'landing' }),
    setMeta: (meta) => set({ meta }),
    setExperiment: (id) => {
      if (!specFor(id)) return;
      if (id === get().experiment) {
        set({ page: 'lab' });
        return;
      }
      const s = get();
      const back = s.saved[id];
      set({
        page: 'lab',
        experiment: id,
        values: back?.values ?? defaultsOf(id),
        issues: [],
        meta: back?.meta ?? {},
        files: back?.files ?? {},
        saved: { ...s.saved, [s.experiment]: { values: s.values, meta: s.meta, files: s.files } },
      });
    },
    loadLocation: (hash) => {
      if (/^#?\/?$/.test(hash.trim())) {
        set({ page: 'landing' });
        return;
      }
      const r = resolveLocation(hash);
      if ('error' in r) {
        set({ issues: [{ field: 'experiment', message: r.error }] });
        return;
      }
      const backend =
        r.meta.backend === 'cpu' || r.meta.backend === 'webgpu' ? r.meta.backend : get().backend;
      const s = get();
      const keep = r.def.id === s.experiment ? s.files : (s.saved[r.def.id]?.files ?? {});
      const saved =
        r.def.id === s.experiment
          ? s.saved
          : { ...s.saved, [s.experiment]: { values: s.values, meta: s.meta, files: s.files } };
      set({
        saved,
        page: 'lab',
        experiment: r.def.id,
        values: r.values,
        issues: r.issues,
        meta: r.meta,
        backend,
        files: keep,
      });
    },
    resetSpec: () => set((s) => ({ values: defaultsOf(s.experiment), files: {}, issues: [] })),
    // Attaching a file selects the file source (the lab's data rule, as in the CLI).
    attachFile: (key, file) =>
      set((s) => {
        const values = { ...s.values, [key]: file.ref };
        const def = specFor(s.experiment);
        return {
          files: { ...s.files, [key]: file },
          values: def ? selectFileSource(def, values, filesNamed(def, values)) : values,
        };
      }),
    detachFile: (key) =>
      set((s) => {
        const files = { ...s.files };
        delete files[key];
        return { files, values: { ...s.values, [key]: null } };
      }),
    dismissIssues: () => set({ issues: [] }),

    // run
    runs: {},
    results: {},
    saved: {},
    startRun: (exp) => {
      const seq = (get().runs[exp]?.seq ?? 0) + 1;
      set((s) => ({ runs: { ...s.runs, [exp]: { status: 'running', progress: null, error: null, seq } } }));
      return seq;
    },
    setProgress: (exp, seq, p) => {
      const r = get().runs[exp];
      if (r && r.seq === seq && (r.status === 'running' || r.status === 'paused'))
        set((s) => ({ runs: { ...s.runs, [exp]: { ...r, progress: p } } }));
    },
    setPaused: (exp, paused) => {
      const r = get().runs[exp];
      if (r && (r.status === 'running' || r.status === 'paused')) {
        set((s) => ({ runs: { ...s.runs, [exp]: { ...r, status: paused ? 'paused' : 'running' } } }));
      }
    },
    finishRun: (exp, seq, result) => {
      const r = get().runs[exp];
      if (!r || r.seq !== seq) return;
      set((s) => ({
        runs: { ...s.runs, [exp]: { ...r, status: 'done', error: null } },
        results: { ...s.results, [exp]: result },
      }));
    },
    failRun: (exp, seq, status, message) => {
      const r = get().runs[exp];
      if (r && r.seq === seq) set((s) => ({ runs: { ...s.runs, [exp]: { ...r, status, error: message } } }));
    },
    rerun: 0,
    requestRun: () => set((s) => ({ rerun: s.rerun + 1 })),

    // device
    backend: 'webgpu',
    device: null,
    setBackend: (b) => set({ backend: b }),
    setDevice: (d) =>
      set((s) => ({ device: d, backend: d.adapter || s.meta.backend === 'cpu' ? s.backend : 'cpu' })),

    // ui
    theme: 'light',
    largeText: false,
    help: false,
    toast: null,
    setTheme: (t) => set({ theme: t }),
    setLargeText: (v) => set({ largeText: v }),
    setHelp: (v) => set({ help: v }),
    notify: (msg) => set({ toast: msg }),
  }));
}

export type LabStore = ReturnType<typeof createLabStore>;
