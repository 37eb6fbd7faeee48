/**
 * The app's state, built from slices: spec (what to run, from the URL), run (what the worker is doing),
 * device and ui. Views read it through selectors; one subscriber keeps the URL in sync.
 */
import { create } from 'zustand';
import type { Progress, RunResult } from '../../workers/experiments/types';
import type { DeviceInfo } from '../../workers/lab.worker';
import type { Issue } from '../../workers/spec/define';
import type { FileRef } from '../../workers/spec/fields';
import { specFor } from '../../workers/spec/registry';
import { resolveLocation } from '../../workers/spec/resolve';
import type { Meta } from '../../workers/spec/url';

export type Backend = 'webgpu' | 'cpu';
export type RunStatus = 'idle' | 'running' | 'done' | 'error' | 'cancelled' | 'needs-file' | 'invalid';

export interface UserFile {
  name: string;
  bytes: ArrayBuffer;
  ref: FileRef;
  dtype: string;
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
  status: RunStatus;
  progress: Progress | null;
  /** Last finished result per experiment, so switching tabs keeps each lab's picture. */
  results: Record<string, RunResult>;
  error: string | null;
  runSeq: number;
  startRun(): number;
  setProgress(seq: number, p: Progress): void;
  finishRun(seq: number, r: RunResult): void;
  failRun(seq: number, status: RunStatus, message: string | null): void;
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
    setValue: (key, value) => set((s) => ({ values: { ...s.values, [key]: value } })),
    showLanding: () => set({ page: 'landing' }),
    setMeta: (meta) => set({ meta }),
    setExperiment: (id) => {
      if (!specFor(id)) return;
      if (id === get().experiment) {
        set({ page: 'lab' });
        return;
      }
      set({
        page: 'lab',
        experiment: id,
        values: defaultsOf(id),
        issues: [],
        meta: {},
        files: {},
        progress: null,
        error: null,
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
      const keep = r.def.id === get().experiment ? get().files : {};
      set({
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
    attachFile: (key, file) =>
      set((s) => ({ files: { ...s.files, [key]: file }, values: { ...s.values, [key]: file.ref } })),
    detachFile: (key) =>
      set((s) => {
        const files = { ...s.files };
        delete files[key];
        return { files, values: { ...s.values, [key]: null } };
      }),
    dismissIssues: () => set({ issues: [] }),

    // run
    status: 'idle',
    progress: null,
    results: {},
    error: null,
    runSeq: 0,
    startRun: () => {
      const seq = get().runSeq + 1;
      set({ runSeq: seq, status: 'running', progress: null, error: null });
      return seq;
    },
    setProgress: (seq, p) => {
      if (seq === get().runSeq) set({ progress: p });
    },
    finishRun: (seq, r) => {
      if (seq !== get().runSeq) return;
      set((s) => ({ status: 'done', results: { ...s.results, [r.experiment]: r }, error: null }));
    },
    failRun: (seq, status, message) => {
      if (seq === get().runSeq) set({ status, error: message });
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
