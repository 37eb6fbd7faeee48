/** The state of the current run: progress, cancel, errors, which backend ran, parity and non-finite flags. */
import { useState } from 'react';
import type { Parity, RunResult, StageRecord } from '../../workers/experiments/types';
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
        Ran on {ranOn(result)} · {formatDuration(result.wallMs)}
      </span>
      <StageList stages={result.stages} />
      <ParityBadge parity={result.parity} backend={result.backend} />
      {bad.length ? (
        <span className="badge error" role="alert" data-testid="nonfinite">
          ⚠ NaN/Inf in {bad.map(([k, n]) => `${k} (${n})`).join(', ')}: those values are not plotted
        </span>
      ) : null}
    </div>
  );
}

const BACKEND_NAME = { webgpu: 'WebGPU', cpu: 'CPU' } as const;

/** Which backend the stages actually used: one name, or both when they were mixed. */
function ranOn(r: RunResult): string {
  const used = new Set((r.stages ?? []).map((s) => s.backend));
  if (used.size === 0) return BACKEND_NAME[r.backend];
  if (used.size === 2) return 'WebGPU and CPU';
  const only = [...used][0];
  return only === r.backend
    ? BACKEND_NAME[only]
    : `${BACKEND_NAME[only]} (the ${BACKEND_NAME[r.backend]} backend was chosen)`;
}

/** "solve: CPU — OMP has no GPU path", "path: FISTA (warm starts along α) on WebGPU", one per stage. */
export function stageLine(s: StageRecord): string {
  return s.backend === 'cpu' && s.note
    ? `${s.name}: CPU — ${s.note}`
    : `${s.name}: ${s.algorithm} on ${BACKEND_NAME[s.backend]}`;
}

function StageList({ stages }: { stages: StageRecord[] | undefined }) {
  if (!stages?.length) return null;
  return (
    <ul className="stage-list" data-testid="stages" aria-label="What ran where">
      {stages.map((s) => (
        <li key={s.name} data-stage={s.name} data-backend={s.backend} title={s.algorithm}>
          {stageLine(s)}
        </li>
      ))}
    </ul>
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
  const extras: string[] = [];
  if (p.maskAgreement !== undefined)
    extras.push(
      `mask agreement ${formatNumber(100 * p.maskAgreement)}%${p.maskMismatches ? ` (${p.maskMismatches} blocks differ)` : ''}`,
    );
  if (p.objectiveGap !== undefined) extras.push(`objective gap ${formatNumber(p.objectiveGap, 2)}`);
  return (
    <span
      className={`badge ${p.ok ? 'ok' : 'error'}`}
      data-testid="parity"
      title={[
        `compared: ${p.compared ?? ''}; tolerance ${p.tolerance}; max rel. diff ${p.maxRelDiff}`,
        ...(p.details ?? []),
      ].join('\n')}
    >
      {p.ok ? '✓' : '✗'} max rel. diff vs CPU {formatNumber(p.maxRelDiff ?? Number.NaN, 2)} ({p.compared})
      {extras.map((e) => (
        <span key={e} className="parity-extra">
          {' '}
          · {e}
        </span>
      ))}
    </span>
  );
}
