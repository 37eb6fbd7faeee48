/** Entry: build the store and compute client, wire URL and runs, render the shell. */
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startHistory } from './history/history-store';
import { LABS } from './panels/registry';
import { ComputePool } from './runtime/compute-pool';
import { startRunController } from './runtime/run-controller';
import { startUrlSync } from './runtime/url-sync';
import { RuntimeContext } from './store/context';
import { createLabStore } from './store/lab-store';
import './styles.css';

const store = createLabStore(LABS[0].id);
store.getState().loadLocation(location.hash);
const prefersDark = window.matchMedia?.('(prefers-color-scheme: dark)').matches;
if (prefersDark) store.getState().setTheme('dark');

const pool = new ComputePool(new URL('./', location.href).href);
pool.onNotice = (m) => store.getState().notify(m);
// An idle lab's worker is shut down (releasing its GPU device) unless its lab is open, holds a run (running or
// paused), or shows a WebGPU result whose "Check against CPU" button would read the worker's last result.
pool.keepAlive = (exp) => {
  const s = store.getState();
  if (s.page === 'lab' && s.experiment === exp) return true;
  const status = s.runs[exp]?.status;
  if (status === 'running' || status === 'paused') return true;
  const r = s.results[exp];
  return !!r?.parity && r.backend !== 'cpu' && r.parity.status !== 'checked';
};
pool.deviceInfo().then(
  (d) => store.getState().setDevice(d),
  (e: unknown) => store.getState().setDevice({ adapter: null, error: String(e) }),
);
startUrlSync(store);
const runs = startRunController(store, pool);
const history = startHistory(store);
// A handle for the console and the end-to-end tests (inspect state, inject faults).
(window as unknown as { sparselab: object }).sparselab = { store, pool, runs, history };

// Offline after the first visit (production builds only; the worker precaches the whole site).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register(new URL('./sw.js', location.href)).catch((e: unknown) => {
    console.warn(`offline support is off: ${String(e)}`);
  });
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// The first render as a transition: React renders the shell in short slices rather than one long task.
startTransition(() =>
  createRoot(root).render(
    <StrictMode>
      <RuntimeContext.Provider value={{ store, pool, runs, history }}>
        <App />
      </RuntimeContext.Provider>
    </StrictMode>,
  ),
);
