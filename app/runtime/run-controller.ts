/**
 * Turns state changes into runs: a change of spec, backend or data cancels the running run and starts a
 * new one after a short debounce. The worker does the work; this only wires the store to the client.
 */
import { type LabClient, RunCancelled } from '../../workers/client';
import { validate } from '../../workers/spec/define';
import type { FileRef } from '../../workers/spec/fields';
import { specFor } from '../../workers/spec/registry';
import type { LabState, LabStore } from '../store/lab-store';

const DEBOUNCE_MS = 300;

export interface RunController {
  cancel(): void;
  stop(): void;
}

export function startRunController(store: LabStore, client: LabClient): RunController {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let controller: AbortController | null = null;

  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    controller?.abort();
    controller = null;
  };

  const go = async () => {
    timer = null;
    // The device decides the default backend: wait for it before the first run.
    await client.deviceInfo().catch(() => null);
    const s = store.getState();
    const def = specFor(s.experiment);
    if (!def || s.page !== 'lab') return;
    const checked = validate(def, s.values);
    const seq = s.startRun();
    if (!checked.ok) {
      s.failRun(seq, 'invalid', checked.issues.map((i) => `${i.field}: ${i.message}`).join('; '));
      return;
    }
    const files: Record<string, { name: string; bytes: ArrayBuffer }> = {};
    for (const [key, f] of Object.entries(def.fields)) {
      const ref = s.values[key] as FileRef | null;
      if (f.kind !== 'file' || !ref) continue;
      const have = s.files[key];
      if (!have || have.ref.sha256 !== ref.sha256) {
        s.failRun(
          seq,
          'needs-file',
          `This link uses your file ${key} = "${ref.name}" (${ref.shape.join('×')}). Drop that file on the ${f.label} slot to run it.`,
        );
        return;
      }
      files[key] = { name: have.name, bytes: have.bytes };
    }
    const own = new AbortController();
    controller = own;
    try {
      const result = await client.run(
        {
          experiment: s.experiment,
          values: checked.values as Record<string, unknown>,
          backend: s.backend,
          files,
        },
        (p) => store.getState().setProgress(seq, p),
        own.signal,
      );
      store.getState().finishRun(seq, result);
    } catch (e) {
      if (e instanceof RunCancelled) store.getState().failRun(seq, 'cancelled', null);
      else store.getState().failRun(seq, 'error', e instanceof Error ? e.message : String(e));
    } finally {
      if (controller === own) controller = null;
    }
  };

  const schedule = (delay: number) => {
    cancel();
    timer = setTimeout(go, delay);
  };

  const changed = (a: LabState, b: LabState) =>
    a.page !== b.page ||
    a.experiment !== b.experiment ||
    a.values !== b.values ||
    a.backend !== b.backend ||
    a.files !== b.files ||
    a.rerun !== b.rerun;

  const unsubscribe = store.subscribe((s, prev) => {
    if (changed(s, prev)) schedule(s.rerun !== prev.rerun ? 0 : DEBOUNCE_MS);
  });
  schedule(0);
  return {
    cancel: () => {
      const wasRunning = controller !== null || timer !== null;
      cancel();
      if (wasRunning && store.getState().status !== 'running')
        store.getState().failRun(store.getState().runSeq, 'cancelled', null);
    },
    stop: () => {
      unsubscribe();
      cancel();
    },
  };
}
