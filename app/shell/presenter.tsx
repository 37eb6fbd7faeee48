/**
 * Tour / presentation mode: narration, step counter, prediction checkpoints, keyboard navigation
 * (→, Space, PageDown: next; ←, PageUp: previous; Esc: leave). Each step is a URL, so any step can be shared.
 */
import { useEffect, useState } from 'react';
import { tourFor } from '../content/tours';
import type { Tour } from '../content/types';
import { useLab, useRuntime } from '../store/context';

export function stepHash(tour: Tour, step: number, present: boolean): string {
  const s = tour.steps[step];
  const sep = s.hash.includes('?') ? '&' : '?';
  return `${s.hash}${sep}tour=${tour.id}&step=${step + 1}${present ? '&present=1' : ''}`;
}

export function Presenter() {
  const { store } = useRuntime();
  const meta = useLab((s) => s.meta);
  const tour = tourFor(meta.tour);
  const stepNo = Math.max(1, Math.min(tour?.steps.length ?? 1, Number(meta.step) || 1));
  const [revealed, setRevealed] = useState(false);
  const present = meta.present === '1';
  const step = tour?.steps[stepNo - 1];

  useEffect(() => setRevealed(false), [meta.tour, stepNo]);

  useEffect(() => {
    document.documentElement.classList.toggle('presenting', present && !!tour);
    return () => document.documentElement.classList.remove('presenting');
  }, [present, tour]);

  useEffect(() => {
    if (!step?.highlight) return;
    const el = document.querySelector(`[data-field="${CSS.escape(step.highlight)}"]`);
    el?.classList.add('highlight');
    // The highlighted control is brought into view inside its own scrolling region (never behind the
    // narration), and kept there while the views above it grow as results arrive, until the presenter
    // scrolls by hand.
    const reveal = () => el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    reveal();
    const views = document.querySelector('section.views');
    const ro = typeof ResizeObserver === 'function' && views ? new ResizeObserver(reveal) : null;
    if (ro && views) ro.observe(views);
    const stop = () => ro?.disconnect();
    window.addEventListener('wheel', stop, { once: true, passive: true });
    window.addEventListener('touchstart', stop, { once: true, passive: true });
    return () => {
      el?.classList.remove('highlight');
      stop();
      window.removeEventListener('wheel', stop);
      window.removeEventListener('touchstart', stop);
    };
  });

  useEffect(() => {
    if (!tour || !step) return;
    const go = (n: number) => {
      if (n < 0 || n >= tour.steps.length) return;
      store.getState().loadLocation(stepHash(tour, n, present));
    };
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) return;
      if (e.key === 'ArrowRight' || e.key === ' ' || e.key === 'PageDown') {
        if (step.question && !revealed) setRevealed(true);
        else go(stepNo);
      } else if (e.key === 'ArrowLeft' || e.key === 'PageUp') go(stepNo - 2);
      else if (e.key === 'Escape') {
        const { tour: _t, step: _s, present: _p, ...rest } = store.getState().meta;
        store.getState().setMeta(rest);
      } else return;
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [tour, step, stepNo, revealed, present, store]);

  if (!tour || !step) return null;
  const go = (n: number) => store.getState().loadLocation(stepHash(tour, n, present));
  return (
    <aside className="presenter" aria-label={`Tour: ${tour.title}`} data-testid="presenter">
      <div className="presenter-head">
        <strong>{tour.title}</strong>
        <span className="step-counter" data-testid="step-counter">
          Step {stepNo} / {tour.steps.length}
        </span>
      </div>
      <p className="narration" aria-live="polite">
        {step.narration}
      </p>
      {step.question ? (
        <div className="checkpoint" data-testid="checkpoint">
          <p className="question">Predict: {step.question}</p>
          {revealed ? (
            <p className="answer" data-testid="answer">
              {step.answer}
            </p>
          ) : (
            <button type="button" onClick={() => setRevealed(true)}>
              Reveal <kbd>→</kbd>
            </button>
          )}
        </div>
      ) : null}
      <div className="presenter-nav">
        <button type="button" disabled={stepNo <= 1} onClick={() => go(stepNo - 2)}>
          ← Previous
        </button>
        <button type="button" disabled={stepNo >= tour.steps.length} onClick={() => go(stepNo)}>
          Next →
        </button>
        {!present ? (
          <button
            type="button"
            onClick={() => store.getState().loadLocation(stepHash(tour, stepNo - 1, true))}
          >
            Present
          </button>
        ) : null}
      </div>
    </aside>
  );
}
