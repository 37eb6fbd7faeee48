/** The top bar: labs as tabs, the device badge, backend choice, share, theme and text size. */
import { HistoryButton } from '../history/history-drawer';
import { LABS } from '../panels/registry';
import { shareHash } from '../runtime/url-sync';
import { useLab, useRuntime } from '../store/context';
import { BackendPicker, DeviceBadge } from './device-badge';

export async function copyShareLink(
  state: Parameters<typeof shareHash>[0],
  notify: (m: string) => void,
): Promise<void> {
  const url = `${location.href.split('#')[0]}${shareHash(state)}`;
  try {
    await navigator.clipboard.writeText(url);
    notify('Share link copied');
  } catch {
    notify(`Copy this link: ${url}`);
  }
}

export function Header() {
  const { store } = useRuntime();
  const experiment = useLab((s) => s.experiment);
  const page = useLab((s) => s.page);
  const runs = useLab((s) => s.runs);
  const setExperiment = useLab((s) => s.setExperiment);
  const theme = useLab((s) => s.theme);
  const setTheme = useLab((s) => s.setTheme);
  const largeText = useLab((s) => s.largeText);
  const setLargeText = useLab((s) => s.setLargeText);
  const setHelp = useLab((s) => s.setHelp);
  const notify = useLab((s) => s.notify);
  return (
    <header className="app-header">
      <h1 className="brand">
        <a href="#/" title="Home: labs, presets and tours">
          SparseLab
        </a>
      </h1>
      <nav aria-label="Labs" className="tabs">
        {LABS.map((l, i) => (
          <button
            key={l.id}
            type="button"
            aria-current={page === 'lab' && experiment === l.id ? 'page' : undefined}
            className={page === 'lab' && experiment === l.id ? 'tab active' : 'tab'}
            title={`${l.blurb} (key ${i + 1})`}
            onClick={() => setExperiment(l.id)}
          >
            {l.title}
            {runs[l.id]?.status === 'running' && l.id !== experiment ? (
              <span className="tab-busy" title="running">
                <span aria-hidden="true"> ●</span>
                <span className="sr-only"> (running)</span>
              </span>
            ) : null}
          </button>
        ))}
      </nav>
      <div className="header-tools">
        <DeviceBadge />
        <BackendPicker />
        <HistoryButton />
        <button type="button" onClick={() => copyShareLink(store.getState(), notify)} data-testid="share">
          Share
        </button>
        <button
          type="button"
          aria-pressed={theme === 'dark'}
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
        <button type="button" aria-pressed={largeText} onClick={() => setLargeText(!largeText)}>
          Large text
        </button>
        <button type="button" aria-label="Keyboard shortcuts and help" onClick={() => setHelp(true)}>
          ?
        </button>
      </div>
    </header>
  );
}
