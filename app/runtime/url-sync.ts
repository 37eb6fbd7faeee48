/** The one subscriber that keeps the address bar and the spec in step (both directions). */
import { usedValues } from '../../workers/spec/data-rule';
import { specFor } from '../../workers/spec/registry';
import { toHash } from '../../workers/spec/url';
import type { LabState, LabStore } from '../store/lab-store';

export function shareHash(
  s: Pick<LabState, 'experiment' | 'values' | 'meta' | 'backend'> & { page?: LabState['page'] },
): string {
  if (s.page === 'landing') return '#/';
  const def = specFor(s.experiment);
  if (!def) return `#/${s.experiment}`;
  const { ver: _v, backend: _b, ...meta } = s.meta;
  // Only what a run uses: values the files fix (N, d, heads from Q…) are left out.
  return toHash(def, usedValues(def, s.values) as never, {
    ...meta,
    ...(s.backend === 'cpu' ? { backend: 'cpu' } : {}),
  });
}

export function startUrlSync(store: LabStore): () => void {
  const onHash = () => {
    if (location.hash !== shareHash(store.getState())) store.getState().loadLocation(location.hash);
  };
  window.addEventListener('hashchange', onHash);
  const unsubscribe = store.subscribe((s, prev) => {
    if (
      s.page === prev.page &&
      s.experiment === prev.experiment &&
      s.values === prev.values &&
      s.meta === prev.meta &&
      s.backend === prev.backend
    )
      return;
    const hash = shareHash(s);
    if (hash === location.hash) return;
    // A new experiment is a new history entry (Back returns to the previous lab); parameter changes replace.
    if (s.experiment !== prev.experiment || s.page !== prev.page || s.meta.step !== prev.meta.step) {
      history.pushState(null, '', hash);
    } else history.replaceState(null, '', hash);
  });
  return () => {
    window.removeEventListener('hashchange', onHash);
    unsubscribe();
  };
}
