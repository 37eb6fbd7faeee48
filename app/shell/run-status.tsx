/** The state of the current run: progress, cancel, errors, which backend ran, parity and non-finite flags. */
import { useState } from 'react';
import type { Parity, RunResult } from '../../workers/experiments/types';
import { useLab, useRuntime } from '../store/context';
import { fmt } from '../viz/line-chart';

export function RunStatus() {
  const { runs } = useRuntime();
  const status = useLab((s) => s.status);
  const progress = useLab((s) => s.progress);
  const error = useLab((s) => s.error);
  const requestRun = useLab((s) => s.requestRun);
  return (
    <div className="run-status" aria-live="polite" data-status={status}>
      {status === 'running' ? (
        <>
          <progress value={progress?.fraction ?? 0} max={1} aria-label="Run progress" />
          <span className="stage">{progress?.stage ?? 'starting…'}</span>
          <button type="button" onClick={() => runs.cancel()}>
            Cancel <kbd>Esc</kbd>
          </button>
        </>
      ) : (
        <>
          <span className="stage">
            {status === 'done'
              ? 'Done'
              : status === 'cancelled'
                ? 'Cancelled'
                : status === 'idle'
                  ? 'Ready'
                  : ''}
          </span>
          <button type="button" onClick={requestRun}>
            Run again <kbd>R</kbd>
          </button>
        </>
      )}
      {error ? (
        <p
          className={`message ${status === 'needs-file' ? 'info' : 'error'}`}
          role="alert"
          data-testid="run-error"
        >
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function ResultBadges({ result }: { result: RunResult }) {
  const bad = Object.entries(result.nonFinite);
  return (
    <div className="result-badges" data-testid="result-badges">
      <span className="badge" data-testid="backend-used">
        Ran on {result.backend === 'webgpu' ? 'WebGPU' : 'CPU'} · {fmt(result.wallMs)} ms
      </span>
      <ParityBadge parity={result.parity} backend={result.backend} />
      {bad.length ? (
        <span className="badge error" role="alert" data-testid="nonfinite">
          ⚠ NaN/Inf in {bad.map(([k, n]) => `${k} (${n})`).join(', ')}: those values are not plotted
        </span>
      ) : null}
    </div>
  );
}

function ParityBadge({ parity, backend }: { parity?: Parity; backend: string }) {
  const { client } = useRuntime();
  const [full, setFull] = useState<Parity | null>(null);
  const [busy, setBusy] = useState(false);
  const p = full ?? parity;
  if (!p || backend === 'cpu') return null;
  if (p.status !== 'checked') {
    return (
      <span className="badge" data-testid="parity">
        Parity: {p.reason ?? p.status}{' '}
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setFull(await client.fullParity().finally(() => setBusy(false)));
          }}
        >
          {busy ? 'checking…' : 'Check against CPU'}
        </button>
      </span>
    );
  }
  return (
    <span
      className={`badge ${p.ok ? 'ok' : 'error'}`}
      data-testid="parity"
      title={`compared: ${p.compared ?? ''}; tolerance ${p.tolerance}`}
    >
      {p.ok ? '✓' : '✗'} max rel. diff vs CPU {fmt(p.maxRelDiff ?? Number.NaN)} ({p.compared})
    </span>
  );
}
