/**
 * Turns state changes into runs. Each lab has its own run: a change of the open lab's spec, backend or
 * data cancels that lab's run and starts a new one after a short debounce; opening another lab leaves a
 * running lab alone, and runs the newly opened one only when what it shows is not already what its
 * spec asks for.
 */
import { RunCancelled } from '../../workers/client';
import type { Progress } from '../../workers/experiments/types';
import { dataIssues, filesNamed } from '../../workers/spec/data-rule';
import { validate } from '../../workers/spec/define';
import type { FileRef } from '../../workers/spec/fields';
import { specFor } from '../../workers/spec/registry';
import type { LabState, LabStore } from '../store/lab-store';
import type { ComputePool } from './compute-pool';
import { shareHash } from './url-sync';

const DEBOUNCE_MS = 300;
/** One animation frame: progress lands in the store at most this often. */
const FRAME_MS = 16;
/** The longest a report waits for the main thread to breathe after the previous one. */
const MAX_GAP_MS = 1000;

/**
 * Progress coalesced to frames: at most one store update per frame (16 ms), and the latest report wins
 * (partials are cumulative snapshots, so an intermediate one is safe to drop). When applying a report (the
 * store update and the render it causes) took t ms, the next waits until the main thread has been free for
 * t ms (at most a second), so slow views get at most half the main thread and input stays live.
 *
 * The update runs in its own task (a timer), not in requestAnimationFrame: measured with the ui benchmark, a
 * render inside the frame callback joins the browser's style, layout and paint in one task, and more of
 * them pass 50 ms (SAE default: 88 long tasks against 63 for the uncoalesced update, at the same 126 updates).
 */
export function frameCoalescer<T>(apply: (v: T) => void) {
  let pending: { v: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let cost = 0;
  let lastStart = Number.NEGATIVE_INFINITY;
  let lastEnd = Number.NEGATIVE_INFINITY;
  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const flush = () => {
    clear();
    const p = pending;
    pending = null;
    if (!p) return;
    const t0 = performance.now();
    lastStart = t0;
    apply(p.v);
    // React renders a store update in a microtask queued during apply: this one runs after it.
    queueMicrotask(() => {
      lastEnd = performance.now();
      cost = Math.min(lastEnd - t0, MAX_GAP_MS);
    });
  };
  return {
    push(v: T) {
      const scheduled = pending !== null;
      pending = { v };
      if (scheduled) return;
      const wait = Math.max(lastStart + FRAME_MS, lastEnd + cost) - performance.now();
      timer = setTimeout(flush, Math.max(0, wait));
    },
    /** Applies what is pending now. */
    flush,
    /** Drops what is pending (the run finished or was cancelled). */
    drop() {
      clear();
      pending = null;
    },
  };
}

export interface RunController {
  /** Cancels the open lab's run. */
  cancel(): void;
  pause(): void;
  resume(): void;
  stop(): void;
}

/** What a run was asked for: spec, backend and the files' hashes. Equal keys need no new run. */
function runKey(s: LabState): string {
  const files = Object.entries(s.files)
    .map(([k, f]) => `${k}:${f.ref.sha256}`)
    .join(',');
  return `${shareHash({ experiment: s.experiment, values: s.values, meta: {}, backend: s.backend })}|${s.backend}|${files}`;
}

export function startRunController(store: LabStore, pool: ComputePool): RunController {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const controllers = new Map<string, AbortController>();
  const requested = new Map<string, string>();

  const cancel = (exp: string) => {
    const t = timers.get(exp);
    if (t) clearTimeout(t);
    timers.delete(exp);
    controllers.get(exp)?.abort();
    controllers.delete(exp);
  };

  const go = async (exp: string) => {
    timers.delete(exp);
    const client = pool.for(exp);
    // The device decides the default backend: wait for it before the first run.
    await pool.deviceInfo().catch(() => null);
    const s = store.getState();
    const def = specFor(exp);
    if (!def || s.page !== 'lab' || s.experiment !== exp) return;
    requested.set(exp, runKey(s));
    const seq = s.startRun(exp);
    // The lab's data rule, as the CLI and the runner apply it: a file the run would not use is an error
    // naming it; a missing required file asks for it.
    const problems = dataIssues(def, s.values, filesNamed(def, s.values));
    if (problems.length) {
      const missing = problems.every((i) => i.missing);
      s.failRun(exp, seq, missing ? 'needs-file' : 'invalid', problems.map((i) => i.message).join('; '));
      return;
    }
    const checked = validate(def, s.values);
    if (!checked.ok) {
      s.failRun(exp, seq, 'invalid', checked.issues.map((i) => `${i.field}: ${i.message}`).join('; '));
      return;
    }
    // The bytes stay here; the client sends each file to the lab's worker once (see LabClient.run).
    const files: Record<string, { name: string; sha256: string; bytes: ArrayBuffer }> = {};
    for (const [key, f] of Object.entries(def.fields)) {
      const ref = s.values[key] as FileRef | null;
      if (f.kind !== 'file' || !ref) continue;
      const have = s.files[key];
      if (!have || have.ref.sha256 !== ref.sha256) {
        s.failRun(
          exp,
          seq,
          'needs-file',
          `This link uses your file ${key} = "${ref.name}" (${ref.shape.join('×')}). Drop that file on the ${f.label} slot to run it.`,
        );
        return;
      }
      files[key] = { name: have.name, sha256: have.ref.sha256, bytes: have.bytes };
    }
    const own = new AbortController();
    controllers.set(exp, own);
    const progress = frameCoalescer<Progress>((p) => store.getState().setProgress(exp, seq, p));
    try {
      const result = await client.run(
        { experiment: exp, values: checked.values as Record<string, unknown>, backend: s.backend, files },
        (p) => progress.push(p),
        own.signal,
      );
      progress.drop();
      store.getState().finishRun(exp, seq, result);
    } catch (e) {
      progress.drop();
      if (e instanceof RunCancelled) store.getState().failRun(exp, seq, 'cancelled', null);
      else store.getState().failRun(exp, seq, 'error', e instanceof Error ? e.message : String(e));
    } finally {
      if (controllers.get(exp) === own) controllers.delete(exp);
    }
  };

  const schedule = (exp: string, delay: number) => {
    cancel(exp);
    timers.set(
      exp,
      setTimeout(() => void go(exp), delay),
    );
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.page !== 'lab') return;
    const exp = s.experiment;
    if (s.rerun !== prev.rerun) return schedule(exp, 0);
    const entered = exp !== prev.experiment || s.page !== prev.page;
    const changed = s.values !== prev.values || s.backend !== prev.backend || s.files !== prev.files;
    if (!entered && !changed) return;
    // Nothing to do when this lab already shows (or is computing) exactly this spec.
    const status = s.runs[exp]?.status;
    if (
      requested.get(exp) === runKey(s) &&
      (status === 'running' || status === 'paused' || status === 'done')
    )
      return;
    schedule(exp, entered ? 0 : DEBOUNCE_MS);
  });
  if (store.getState().page === 'lab') schedule(store.getState().experiment, 0);

  const current = () => store.getState().experiment;
  return {
    cancel: () => {
      const exp = current();
      const was = controllers.has(exp) || timers.has(exp);
      cancel(exp);
      const s = store.getState();
      const r = s.runs[exp];
      if (was && r && r.status !== 'done') s.failRun(exp, r.seq, 'cancelled', null);
    },
    pause: () => {
      const exp = current();
      if (!controllers.has(exp)) return;
      void pool.for(exp).pause();
      store.getState().setPaused(exp, true);
    },
    resume: () => {
      const exp = current();
      void pool.for(exp).resume();
      store.getState().setPaused(exp, false);
    },
    stop: () => {
      unsubscribe();
      for (const exp of [...timers.keys(), ...controllers.keys()]) cancel(exp);
    },
  };
}
