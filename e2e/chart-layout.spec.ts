/**
 * Charts a class can read: every preset and every lab's default, at 1280 × 720, 1440 × 1000 and a phone
 * width, in large-text, dark and presentation modes, on the CPU backend and (lab defaults) on WebGPU. Fails
 * if two visible text boxes inside a chart overlap or text leaves its chart (see chart-check.ts).
 *
 * One page serves every target: a target is opened by a hash change, and the sizes and modes are checked by
 * resizing and toggling in place (charts redraw on resize), so each preset is computed once. Long trainings
 * are shortened to what draws every chart (the charts' layout does not depend on the step count).
 */
import { expect, type Page, test } from '@playwright/test';
import { PRESETS } from '../app/content/presets';
import { TOURS } from '../app/content/tours';
import { specs } from '../workers/spec/registry';
import { chartProblems, type LayoutProblem } from './chart-check';
import { openInPage } from './helpers';

type Handle = {
  sparselab: {
    store: {
      getState(): {
        experiment: string;
        runs: Record<string, { seq: number; status: string }>;
        largeText: boolean;
        theme: string;
        setLargeText(v: boolean): void;
        setTheme(v: string): void;
      };
    };
  };
};

const SIZES = {
  projector: { width: 1280, height: 720 },
  laptop: { width: 1440, height: 1000 },
  phone: { width: 390, height: 844 },
  hd: { width: 1920, height: 1080 },
};

/** Shorter trainings and sweeps with the same charts (the layout does not depend on how long it trained). */
function quick(hash: string): string {
  const [path, query = ''] = hash.split('?');
  const q = new URLSearchParams(query);
  if (path === '#/sae') {
    const frontier = q.get('study') === 'frontier';
    const cap = frontier ? 40 : 200;
    q.set('steps', String(Math.min(Number(q.get('steps') ?? 3000), cap)));
    if (!q.has('metricsEvery')) q.set('metricsEvery', '10');
    // Fewer toy samples: the same views, a quarter of the evaluation work.
    if (!q.has('samples') && (q.get('data') ?? 'toy') === 'toy') q.set('samples', '4096');
  }
  return `${path}?${q.toString()}`;
}

async function setMode(page: Page, mode: { largeText?: boolean; dark?: boolean }): Promise<void> {
  await page.evaluate((m) => {
    const s = (window as unknown as Handle).sparselab.store.getState();
    if (m.largeText !== undefined) s.setLargeText(m.largeText);
    if (m.dark !== undefined) s.setTheme(m.dark ? 'dark' : 'light');
  }, mode);
}

/** In presentation mode: do the views, the controls and the narration stay apart (as far as each is visible)? */
async function regionsApart(page: Page): Promise<string> {
  return page.evaluate(() => {
    // What is visible of each region: its box clipped by the scrolling lab it sits in.
    const lab = document.querySelector('main.lab')?.getBoundingClientRect();
    const box = (sel: string) => {
      const r = document.querySelector(sel)?.getBoundingClientRect();
      if (!r || !lab || sel.includes('presenter')) return r;
      const top = Math.max(r.top, lab.top);
      const bottom = Math.min(r.bottom, lab.bottom);
      return new DOMRect(r.left, top, r.width, Math.max(0, bottom - top));
    };
    const [v, c, p] = [box('section.views'), box('aside.sidebar'), box('[data-testid="presenter"]')];
    if (!v || !c || !p) return 'missing';
    // A region whose content spills out of its box (not scrolled) runs over its neighbours.
    for (const sel of ['section.views', 'aside.sidebar', 'main.lab']) {
      const el = document.querySelector(sel) as HTMLElement | null;
      if (el && getComputedStyle(el).overflowY === 'visible' && el.scrollHeight > el.clientHeight + 1)
        return `overflow (${sel} content spills out of its box)`;
    }
    const apart = (a: DOMRect, b: DOMRect) =>
      a.height === 0 ||
      b.height === 0 ||
      a.right <= b.left + 1 ||
      b.right <= a.left + 1 ||
      a.bottom <= b.top + 1 ||
      b.bottom <= a.top + 1;
    return apart(v, p) && apart(v, c) && apart(c, p) ? 'separate' : 'overlap';
  });
}

async function check(page: Page, where: string, found: string[]): Promise<void> {
  const problems: LayoutProblem[] = await chartProblems(page);
  for (const p of problems) found.push(`${where} — ${p.chart}: ${p.problem}`);
}

/** Every size and mode for the page's current result. */
async function checkEverywhere(page: Page, id: string, lab: string, found: string[]): Promise<void> {
  await page.setViewportSize(SIZES.projector);
  await check(page, `${id} @1280×720`, found);
  await page.setViewportSize(SIZES.laptop);
  await check(page, `${id} @1440×1000`, found);
  await setMode(page, { dark: true });
  await check(page, `${id} @1440×1000 dark`, found);
  await setMode(page, { dark: false });
  await page.setViewportSize(SIZES.phone);
  await check(page, `${id} @390 phone`, found);
  await setMode(page, { largeText: true });
  await check(page, `${id} @390 phone large text`, found);
  await page.setViewportSize(SIZES.projector);
  await check(page, `${id} @1280×720 large text`, found);
  await setMode(page, { largeText: false });
  // Presentation mode: the lab's tour narration beside (or below) the same charts.
  const tour = TOURS.find((t) => t.lab === lab) ?? TOURS[0];
  const hash = await page.evaluate(() => location.hash);
  await page.evaluate(
    ([h, t]) => {
      location.hash = `${h}&tour=${t}&step=1&present=1`;
    },
    [hash, tour.id] as const,
  );
  await expect(page.getByTestId('presenter')).toBeVisible();
  for (const [name, size] of [
    ['1280×720', SIZES.projector],
    ['1920×1080', SIZES.hd],
    ['390', SIZES.phone],
  ] as const) {
    await page.setViewportSize(size);
    await check(page, `${id} @${name} presenting`, found);
    const apart = await regionsApart(page);
    if (apart !== 'separate') found.push(`${id} @${name} presenting: views, controls and narration ${apart}`);
  }
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('presenter')).toHaveCount(0);
  await page.setViewportSize(SIZES.projector);
}

// SPARSELAB_LAYOUT_ONLY=<regex> narrows the targets (by id) while working on one view.
const ONLY = process.env.SPARSELAB_LAYOUT_ONLY ? new RegExp(process.env.SPARSELAB_LAYOUT_ONLY) : null;
const ALL_TARGETS = [
  // Presets on the CPU backend (also the CPU-backend check; on this machine it is the fast one).
  ...PRESETS.map((p) => ({ id: p.id, lab: p.lab, hash: `${quick(p.hash)}&backend=cpu` })),
  // Each lab's defaults on the default backend (WebGPU where there is an adapter).
  ...Object.keys(specs).map((lab) => ({ id: `${lab} defaults`, lab, hash: quick(`#/${lab}?ver=1`) })),
];
const TARGETS = ONLY ? ALL_TARGETS.filter((t) => ONLY.test(t.id)) : ALL_TARGETS;

test('no chart text overlaps or overflows: every preset and lab default, three sizes, large text, dark, presenting', async ({
  page,
}) => {
  test.setTimeout(Math.max(240_000, TARGETS.length * 25_000));
  await page.setViewportSize(SIZES.projector);
  await page.goto('./#/matmul?ver=1&m=8&n=8&k=8');
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const found: string[] = [];
  for (const t of TARGETS) {
    await openInPage(page, t.hash);
    await expect(page.locator('.views .viz, .views canvas').first()).toBeVisible();
    await checkEverywhere(page, t.id, t.lab, found);
  }
  expect(found, found.slice(0, 40).join('\n')).toEqual([]);
});

test('presentation mode: the narration never covers the stage, and the highlighted control is in view', async ({
  page,
}) => {
  const steps = TOURS.flatMap((t) =>
    t.steps.map((s, i) => ({ tour: t, step: i + 1, highlight: s.highlight })).filter((s) => s.highlight),
  );
  expect(steps.length).toBeGreaterThan(0);
  for (const size of [SIZES.projector, SIZES.hd, SIZES.phone]) {
    await page.setViewportSize(size);
    for (const s of steps) {
      const h = s.tour.steps[s.step - 1].hash;
      await page.goto(`./${h}${h.includes('?') ? '&' : '?'}tour=${s.tour.id}&step=${s.step}&present=1`);
      const ctl = page.locator(`[data-field="${s.highlight}"]`);
      await expect(ctl).toHaveClass(/highlight/);
      // Polled: the page settles (results arrive, the views grow) and the control is kept in view meanwhile.
      const where = () =>
        ctl.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const p = document.querySelector('[data-testid="presenter"]')?.getBoundingClientRect();
          const cx = r.left + Math.min(r.width / 2, 40);
          const cy = r.top + Math.min(r.height / 2, 20);
          const hit = document.elementFromPoint(cx, cy);
          return {
            inView: r.top >= 0 && r.bottom <= innerHeight + 1 && r.left >= 0 && r.right <= innerWidth + 1,
            underPresenter: p
              ? !(r.right <= p.left || r.left >= p.right || r.bottom <= p.top || r.top >= p.bottom)
              : false,
            hitsItself: hit !== null && el.contains(hit),
          };
        });
      await expect
        .poll(where, {
          message: `${s.tour.id} step ${s.step} at ${size.width}×${size.height}`,
          timeout: 30_000,
        })
        .toEqual({ inView: true, underPresenter: false, hitsItself: true });
      // The stage (views), the controls and the narration do not overlap one another.
      const overlap = await regionsApart(page);
      expect(overlap, `${s.tour.id} step ${s.step} at ${size.width}×${size.height}`).toBe('separate');
      // Each chart is scaled to fit the stage's height: no chart is taller than the region it is shown in.
      const fits = await page.evaluate(() => {
        const v = document.querySelector('section.views')?.getBoundingClientRect();
        const charts = [...document.querySelectorAll('.views figure.viz svg, .views figure.viz canvas')];
        return charts.every((c) => !v || c.getBoundingClientRect().height <= v.height + 1);
      });
      expect(fits, 'every chart fits the stage height').toBe(true);
    }
  }
});

test('the layout check itself flags overlapping text, text that leaves its chart, and canvas label boxes', async ({
  page,
}) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { name: /interactive lab/ })).toBeVisible();
  await page.evaluate(() => {
    const fig = document.createElement('figure');
    fig.className = 'viz';
    fig.dataset.title = 'planted';
    fig.style.width = '220px';
    fig.innerHTML =
      '<svg width="200" height="100" viewBox="0 0 200 100"><text x="10" y="30">hello</text>' +
      '<text x="14" y="32">world</text><text x="150" y="70">far too long to fit</text>' +
      '<text x="10" y="90" transform="rotate(-45 10 90)">rotated</text><text x="60" y="90">apart</text></svg>';
    const cv = document.createElement('canvas');
    cv.width = 100;
    cv.height = 40;
    cv.setAttribute('aria-label', 'planted canvas');
    cv.dataset.labelBoxes = JSON.stringify([
      { x: 0, y: 0, w: 40, h: 12, text: 'a' },
      { x: 30, y: 5, w: 40, h: 12, text: 'b' },
      { x: 70, y: 20, w: 20, h: 12, text: 'c' },
    ]);
    document.body.prepend(fig, cv);
  });
  const problems = (await chartProblems(page)).filter((p) => p.chart.startsWith('planted'));
  expect(problems.map((p) => p.problem).sort()).toEqual(
    ['"a" overlaps "b"', '"hello" overlaps "world"', 'text "far too long to fit" overflows its chart'].sort(),
  );
});
