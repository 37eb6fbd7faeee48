/** Global keyboard shortcuts (not while typing in a field). */
import { useEffect } from 'react';
import { LABS } from '../panels/registry';
import type { LabRuntime } from '../store/context';
import { copyShareLink } from './header';

export function useShortcuts({ store, runs }: LabRuntime): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
      const s = store.getState();
      if (e.key === '?') s.setHelp(!s.help);
      else if (e.key === 'Escape') {
        if (s.help) s.setHelp(false);
        else runs.cancel();
      } else if (e.key === 'r' || e.key === 'R') s.requestRun();
      else if (e.key === 'p' || e.key === 'P') {
        const st = s.runs[s.experiment]?.status;
        if (st === 'paused') runs.resume();
        else if (st === 'running') runs.pause();
      } else if (e.key === 's' || e.key === 'S') void copyShareLink(s, s.notify);
      else if (e.key === 't' || e.key === 'T') s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
      else if (e.key === 'l' || e.key === 'L') s.setLargeText(!s.largeText);
      else if (/^[1-9]$/.test(e.key) && LABS[Number(e.key) - 1]) s.setExperiment(LABS[Number(e.key) - 1].id);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, runs]);
}
