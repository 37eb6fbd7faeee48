/**
 * Chart draws spread over tasks, so that a finished result (which mounts every chart of a lab at once) or a
 * progress report (which updates every live curve) never becomes one long main-thread task.
 *
 * Each chart element has at most one pending draw (the latest wins). Draws run in their own macrotasks
 * (MessageChannel, falling back to setTimeout), a few per task while the task stays under a small time
 * budget, charts on screen first (IntersectionObserver); charts below the fold are drawn after them, in later
 * tasks, so nothing is left undrawn for a test, an export or a print. `flushDraw` runs a pending draw now
 * (exports read the chart's DOM).
 */

type Job = () => void;

/** Time a task may spend on draws before it yields to the browser (ms). One draw always runs. */
const BUDGET_MS = 12;

const pending = new Map<Element, Job>();
const onScreen = new WeakSet<Element>();
let observer: IntersectionObserver | null = null;
let posted = false;

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

let channel: MessageChannel | null = null;
function post(): void {
  if (posted) return;
  posted = true;
  if (typeof MessageChannel === 'function') {
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = run;
    }
    channel.port2.postMessage(null);
  } else setTimeout(run, 0);
}

/** The next element to draw: one on screen when there is one, else the oldest pending. */
function next(): Element | undefined {
  let first: Element | undefined;
  for (const el of pending.keys()) {
    if (!el.isConnected) {
      pending.delete(el);
      continue;
    }
    if (onScreen.has(el)) return el;
    first ??= el;
  }
  return first;
}

function run(): void {
  posted = false;
  const t0 = now();
  do {
    const el = next();
    if (!el) return;
    const job = pending.get(el);
    pending.delete(el);
    job?.();
  } while (pending.size && now() - t0 < BUDGET_MS);
  if (pending.size) post();
}

function watch(el: Element): void {
  if (typeof IntersectionObserver !== 'function') return;
  observer ??= new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) onScreen.add(e.target);
      else onScreen.delete(e.target);
    }
  });
  observer.observe(el);
}

/**
 * Charts told when the page's modes change (a class, style or data attribute on <html>: large text, theme,
 * presentation), since a new font size need not change a chart's box, so its ResizeObserver may not fire.
 */
const modeListeners = new Set<() => void>();
let modeObserver: MutationObserver | null = null;

/**
 * Starts tracking whether `el` is on screen (drawn first when it is), and calls `onModeChange` when the
 * page's modes change; returns the function that stops both.
 */
export function trackDrawTarget(el: Element, onModeChange?: () => void): () => void {
  watch(el);
  if (onModeChange) {
    modeListeners.add(onModeChange);
    if (!modeObserver && typeof MutationObserver === 'function' && typeof document !== 'undefined') {
      modeObserver = new MutationObserver(() => {
        for (const f of modeListeners) f();
      });
      modeObserver.observe(document.documentElement, { attributes: true });
    }
  }
  return () => {
    observer?.unobserve(el);
    onScreen.delete(el);
    pending.delete(el);
    if (onModeChange) modeListeners.delete(onModeChange);
  };
}

/** Queues `job` as the draw of `el`, replacing a draw of `el` that has not run yet. */
export function scheduleDraw(el: Element, job: Job): void {
  pending.set(el, job);
  post();
}

/** Runs the pending draw of `el` now, if there is one (before reading the chart's DOM). */
export function flushDraw(el: Element | null | undefined): void {
  if (!el) return;
  const job = pending.get(el);
  if (!job) return;
  pending.delete(el);
  job();
}

/** Whether `el` has a draw waiting. */
export function drawPending(el: Element): boolean {
  return pending.has(el);
}

/** Drops the pending draw of `el` (a newer draw is being done now). */
export function cancelDraw(el: Element): void {
  pending.delete(el);
}

/** Whether `el` is on screen, as far as the IntersectionObserver has told (false before its first report). */
export function onScreenNow(el: Element): boolean {
  return onScreen.has(el);
}
