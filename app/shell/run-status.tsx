/** The state of the current run: progress, cancel, errors, which backend ran, parity and non-finite flags. */
import { useState } from 'react';
import type { Parity, RunResult } from '../../workers/experiments/types';
import { labFor } from '../panels/registry';
import { useLab, useRuntime } from '../store/context';
import { currentRun } from '../store/lab-store';
import { formatDuration, formatNumber } from '../viz/format';

export function RunStatus() {
  const { runs } = useRuntime();
  const { status, progress, error } = useLab(currentRun);
  const pausable = useLab((s) => labFor(s.experiment)?.pausable === true);
  const requestRun = useLab((s) => s.requestRun);
  const active = status === 'running' || status === 'paused';
  return (
    <div className="run-status" aria-live="polite" data-status={status}>
      {active ? (
        <>
          <progress value={progress?.fraction ?? 0} max={1} aria-label="Run progress" />
          <span className="stage">
            {status === 'paused' ? `Paused · ${progress?.stage ?? ''}` : (progress?.stage ?? 'starting…')}
          </span>
          {pausable ? (
            status === 'paused' ? (
              <button type="button" onClick={() => runs.resume()}>
                Resume <kbd>P</kbd>
              </button>
            ) : (
              <button type="button" onClick={() => runs.pause()}>
                Pause <kbd>P</kbd>
              </button>
            )
          ) : null}
          <button type="button" onClick={() => runs.cancel()}>
            Cancel <kbd>Esc</kbd>
          </button>
        </>
      ) : (
        <>
          <span className="stage">{STATUS_TEXT[status] ?? ''}</span>
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

const STATUS_TEXT: Partial<Record<string, string>> = { done: 'Done', cancelled: 'Cancelled', idle: 'Ready' };

export function ResultBadges({ result }: { result: RunResult }) {
  const bad = Object.entries(result.nonFinite);
  return (
    <div className="result-badges" data-testid="result-badges">
      <span className="badge" data-testid="backend-used" title={`wall time ${result.wallMs} ms`}>
        Ran on {result.backend === 'webgpu' ? 'WebGPU' : 'CPU'} · {formatDuration(result.wallMs)}
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
  const { pool } = useRuntime();
  const experiment = useLab((s) => s.experiment);
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
            setFull(
              await pool
                .for(experiment)
                .fullParity()
                .finally(() => setBusy(false)),
            );
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
      title={`compared: ${p.compared ?? ''}; tolerance ${p.tolerance}; max rel. diff ${p.maxRelDiff}`}
    >
      {p.ok ? '✓' : '✗'} max rel. diff vs CPU {formatNumber(p.maxRelDiff ?? Number.NaN, 2)} ({p.compared})
    </span>
  );
}
