/** The lab shell: header, generated controls beside the current lab's views, messages, help. */
import { Component, memo, type ReactNode, Suspense, useDeferredValue, useEffect } from 'react';
import type { SpecDef } from '../workers/spec/define';
import { specFor } from '../workers/spec/registry';
import { encodeQuery } from '../workers/spec/url';
import { SpecControls } from './controls/spec-controls';
import { HistoryDrawer } from './history/history-drawer';
import { labFor } from './panels/registry';
import type { LabViewProps } from './panels/types';
import { shareHash } from './runtime/url-sync';
import { Header } from './shell/header';
import { HelpOverlay } from './shell/help-overlay';
import { Landing } from './shell/landing';
import { Presenter } from './shell/presenter';
import { ResultExports } from './shell/result-exports';
import { ResultBadges, RunStatus } from './shell/run-status';
import { ScaleView } from './shell/scale-view';
import { useShortcuts } from './shell/shortcuts';
import { useLab, useRuntime } from './store/context';
import { currentRun, type LabState } from './store/lab-store';
import { ExportContext } from './viz/export-context';

export function App() {
  const rt = useRuntime();
  useShortcuts(rt);
  const theme = useLab((s) => s.theme);
  const largeText = useLab((s) => s.largeText);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.classList.toggle('large-text', largeText);
  }, [theme, largeText]);
  const page = useLab((s) => s.page);
  const embed = useLab((s) => s.meta.embed === '1');
  if (embed && page === 'lab') return <Embed />;
  return (
    <div className="app">
      <Header />
      <LinkIssues />
      {page === 'landing' ? (
        <Landing />
      ) : (
        <main className="lab">
          <aside className="sidebar">
            <RunStatus />
            <SpecControls />
          </aside>
          <section className="views" aria-label="Results">
            <LabViews />
          </section>
        </main>
      )}
      <Presenter />
      <HistoryDrawer />
      <HelpOverlay />
      <Toast />
    </div>
  );
}

/** `embed=1`: the visualisation and its few key controls, for an iframe in slides or a course page. */
function Embed() {
  const experiment = useLab((s) => s.experiment);
  const values = useLab((s) => s.values);
  const backend = useLab((s) => s.backend);
  const full = `${location.href.split('#')[0]}${shareHash({ experiment, values, meta: {}, backend })}`;
  return (
    <div className="app embed" data-testid="embed">
      <SpecControls embed />
      <section className="views" aria-label="Results">
        <LabViews />
      </section>
      <footer className="embed-footer">
        <a href={full} target="_blank" rel="noopener noreferrer">
          Open in SparseLab ↗
        </a>
      </footer>
      <Toast />
    </div>
  );
}

/**
 * The views draw from deferred copies of the run's state: a result or a progress report is first committed
 * with the old views (cheap: the memoised body below bails out), then the views are rendered in the
 * background, where React splits the work into short slices instead of one long task.
 */
function LabViews() {
  // Deferred together (one background render takes all of them), so the views never pair one lab's
  // result with another lab's values.
  const experiment = useDeferredValue(useLab((s) => s.experiment));
  const values = useDeferredValue(useLab((s) => s.values));
  const result = useDeferredValue(useLab((s) => s.results[s.experiment] ?? null));
  const progress = useDeferredValue(useLab((s) => currentRun(s).progress));
  const running = useDeferredValue(useLab((s) => currentRun(s).status === 'running'));
  const backend = useLab((s) => s.backend);
  const setValue = useLab((s) => s.setValue);
  const embed = useLab((s) => Boolean(s.meta.embed));
  // The page's modes re-render the views (canvas views read colours and sizes when they draw).
  const modes = useLab((s) => `${s.theme}:${s.largeText}`);
  return (
    <LabBody
      modes={modes}
      experiment={experiment}
      values={values}
      result={result}
      progress={progress}
      running={running}
      backend={backend}
      setValue={setValue}
      embed={embed}
    />
  );
}

const LabBody = memo(function LabBody({
  experiment,
  values,
  result,
  progress,
  running,
  backend,
  setValue,
  embed,
}: Omit<LabViewProps, 'setValue' | 'values'> & {
  experiment: string;
  values: LabViewProps['values'];
  backend: LabState['backend'];
  setValue: NonNullable<LabViewProps['setValue']>;
  embed: boolean;
  /** Theme and text size: not read here, a change re-renders the memoised body. */
  modes: string;
}) {
  const lab = labFor(experiment);
  if (!lab) return <p className="placeholder">This experiment has no views yet.</p>;
  const { Views } = lab;
  const exportMeta = {
    url: `${location.href.split('#')[0]}${shareHash({ experiment, values, meta: {}, backend })}`,
    caption: `${lab.title}: ${
      encodeQuery(specFor(experiment) as SpecDef, values as never)
        .replace(/^ver=1&?/, '')
        .replace(/&/g, ', ') || 'defaults'
    }${result ? ` · ${result.backend}` : ''}`,
  };
  return (
    <ViewBoundary key={experiment} resetKey={result?.finishedAt ?? ''}>
      {result ? (
        <div className="result-head">
          <ResultBadges result={result} />
          <ResultExports result={result} />
        </div>
      ) : null}
      <ExportContext.Provider value={exportMeta}>
        <Suspense fallback={<p className="placeholder">Loading the {lab.title} views…</p>}>
          <Views values={values} result={result} progress={progress} running={running} setValue={setValue} />
        </Suspense>
      </ExportContext.Provider>
      {result && !embed ? <ScaleView result={result} /> : null}
    </ViewBoundary>
  );
});

/** Problems found in the link that opened the page: named field, shown as text (never as HTML). */
function LinkIssues() {
  const issues = useLab((s) => s.issues);
  const dismiss = useLab((s) => s.dismissIssues);
  if (!issues.length) return null;
  return (
    <div className="link-issues" role="alert" data-testid="link-issues">
      <strong>
        {issues.every((i) => i.note)
          ? 'Adjusted to fit the values in this link:'
          : 'Some of this link could not be used as given:'}
      </strong>
      <ul>
        {issues.slice(0, 12).map((i) => (
          <li key={`${i.field}:${i.message}`}>{i.message}</li>
        ))}
      </ul>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}

function Toast() {
  const toast = useLab((s) => s.toast);
  const notify = useLab((s) => s.notify);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => notify(null), 3000);
    return () => clearTimeout(t);
  }, [toast, notify]);
  return toast ? (
    <div className="toast" role="status">
      {toast}
    </div>
  ) : null;
}

/** A view that throws shows its error instead of blanking the page; other labs keep working. */
class ViewBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  /** A new result gets a fresh try: one bad draw does not hide every later run. */
  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  override render() {
    return this.state.error ? (
      <p className="message error" role="alert">
        This view failed to draw: {this.state.error}
      </p>
    ) : (
      this.props.children
    );
  }
}
