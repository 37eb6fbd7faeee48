/** The history drawer: past runs (newest first), open, pin, delete, clear; pinned runs side by side. */
import { Suspense } from 'react';
import { useStore } from 'zustand';
import type { SpecDef } from '../../workers/spec/define';
import { specFor } from '../../workers/spec/registry';
import { encodeQuery } from '../../workers/spec/url';
import { labFor } from '../panels/registry';
import { useRuntime } from '../store/context';
import { formatNumber } from '../viz/format';
import { MetricTable } from '../viz/metric-table';
import { type HistoryEntry, toResult } from './history-db';

function summary(e: HistoryEntry): string {
  const def = specFor(e.experiment);
  if (!def) return '';
  return (
    encodeQuery(def as SpecDef, e.spec as never)
      .replace(/^ver=1&?/, '')
      .replace(/&/g, ' · ') || 'defaults'
  );
}

export function HistoryButton() {
  const { history } = useRuntime();
  const n = useStore(history.store, (s) => s.entries.length);
  const setOpen = useStore(history.store, (s) => s.setOpen);
  return (
    <button type="button" onClick={() => setOpen(true)} data-testid="history-button">
      History ({n})
    </button>
  );
}

export function HistoryDrawer() {
  const { history, store } = useRuntime();
  const h = useStore(history.store);
  if (!h.open) return null;
  const pinned = h.entries.filter((e) => e.pinned);
  return (
    <aside className="history-drawer" aria-label="Run history" data-testid="history-drawer">
      <div className="drawer-head">
        <h2>Run history</h2>
        <button type="button" onClick={() => h.setComparing(!h.comparing)} disabled={pinned.length < 2}>
          {h.comparing ? 'List' : `Compare pinned (${pinned.length})`}
        </button>
        <button
          type="button"
          onClick={() => confirm('Delete every saved run?') && void h.clear()}
          disabled={!h.entries.length}
        >
          Clear all
        </button>
        <button type="button" onClick={() => h.setOpen(false)} aria-label="Close history">
          ✕
        </button>
      </div>
      {h.error ? (
        <p className="message error" role="alert">
          {h.error}
        </p>
      ) : null}
      {h.comparing && pinned.length >= 2 ? (
        <Compare entries={pinned} />
      ) : h.entries.length === 0 ? (
        <p className="placeholder">
          Finished runs appear here and survive a reload. Your data files are not stored.
        </p>
      ) : (
        <ol className="history-list">
          {h.entries.map((e) => (
            <li key={e.id} data-testid="history-entry">
              <div>
                <strong>{specFor(e.experiment)?.title ?? e.experiment}</strong>{' '}
                <span className="muted">{summary(e)}</span>
              </div>
              <div className="muted">
                {new Date(e.finishedAt).toLocaleString()} · {e.backend}
                {e.adapter ? ` (${e.adapter})` : ''} ·{' '}
                {Object.entries(e.metrics)
                  .slice(0, 3)
                  .map(([k, v]) => `${k} ${formatNumber(v, 4)}`)
                  .join(' · ')}
              </div>
              <div className="row-actions">
                <button
                  type="button"
                  className="small"
                  onClick={() => {
                    store.getState().loadLocation(e.hash);
                    h.setOpen(false);
                  }}
                >
                  Open
                </button>
                <button
                  type="button"
                  className="small"
                  aria-pressed={e.pinned}
                  onClick={() => void h.togglePin(e.id as number)}
                >
                  {e.pinned ? 'Unpin' : 'Pin'}
                </button>
                <button type="button" className="small" onClick={() => void h.remove(e.id as number)}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

/** Pinned runs side by side: their metrics in one table, and each run's own views next to the others. */
function Compare({ entries }: { entries: HistoryEntry[] }) {
  const names = [...new Set(entries.flatMap((e) => Object.keys(e.metrics)))];
  return (
    <div className="compare" data-testid="compare">
      <table className="metrics">
        <thead>
          <tr>
            <th scope="col">metric</th>
            {entries.map((e) => (
              <th key={e.id} scope="col">
                #{e.id} {e.experiment}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((n) => (
            <tr key={n}>
              <th scope="row">{n}</th>
              {entries.map((e) => (
                <td key={e.id}>{e.metrics[n] === undefined ? '–' : formatNumber(e.metrics[n], 4)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="compare-grid">
        {entries.map((e) => {
          const lab = labFor(e.experiment);
          if (!lab) return null;
          const { Views } = lab;
          return (
            <section key={e.id} className="card">
              <h3>
                #{e.id} · {summary(e)}
              </h3>
              <Suspense fallback={<p className="placeholder">Loading…</p>}>
                <MetricTable rows={[{ label: 'backend', value: e.backend }]} />
                <Views values={e.spec} result={toResult(e)} progress={null} running={false} />
              </Suspense>
            </section>
          );
        })}
      </div>
    </div>
  );
}
