import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { PRESETS } from '../app/content/presets';
import { waitForResult } from './helpers';

type Handle = {
  sparselab: {
    store: {
      getState(): { experiment: string; results: Record<string, { metrics: Record<string, number> }> };
    };
  };
};

/** What a finished run computed, without its timings (those differ run to run on a shared machine). */
async function resultNumbers(page: Page): Promise<Record<string, number>> {
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  // A WebGPU result must agree with the CPU reference (a ✗ badge fails the preset).
  await expect(page.locator('[data-testid="parity"]', { hasText: '✗' })).toHaveCount(0);
  const metrics = await page.evaluate(() => {
    const s = (window as unknown as Handle).sparselab.store.getState();
    return s.results[s.experiment].metrics;
  });
  return Object.fromEntries(
    Object.entries(metrics).filter(([k]) => !/ms|time|speed|per_s|gflops|throughput/i.test(k)),
  );
}

test('the landing page lists the labs, presets and tours, and a preset opens its lab', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { name: /interactive lab for sparsity/ })).toBeVisible();
  const first = PRESETS[0];
  await page.getByTestId(`preset-${first.id}`).click();
  await expect(page).toHaveURL(
    new RegExp(first.hash.replace(/[?.*+^$()|[\]\\]/g, '\\$&').replace('#/', '#/')),
  );
  await waitForResult(page);
});

// Each preset, opened twice in fresh browser contexts, computes the same numbers. SAE presets train on the
// CPU backend here: SwiftShader makes GPU training slow, and the CPU backend is bit-reproducible.
for (const preset of PRESETS) {
  test(`preset "${preset.title}" reproduces its numbers in a fresh browser context`, async ({ browser }) => {
    test.setTimeout(240_000);
    const url = `./${preset.hash}${preset.lab === 'sae' ? '&backend=cpu' : ''}`;
    const runs: Array<Record<string, number>> = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(url);
      runs.push(await resultNumbers(page));
      await ctx.close();
    }
    expect(Object.keys(runs[0]).length).toBeGreaterThan(0);
    expect(runs[1]).toEqual(runs[0]);
  });
}

test('a tour advances with the keyboard, the URL follows, and a checkpoint reveals on the next key', async ({
  page,
}) => {
  await page.goto('./');
  await page.getByTestId('present-pipe').click();
  await expect(page.getByTestId('step-counter')).toHaveText('Step 1 / 3');
  await expect(page).toHaveURL(/tour=pipe&step=1&present=1/);
  await expect(page.locator('html')).toHaveClass(/presenting/);
  // Step 1 locks the sizes: read-only controls.
  await expect(page.locator('[data-field="m"] input[type="text"]')).toBeDisabled();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-counter')).toHaveText('Step 2 / 3');
  await expect(page).toHaveURL(/step=2/);
  await expect(page.getByTestId('checkpoint')).toContainText('Predict:');
  await expect(page.getByTestId('answer')).toHaveCount(0);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('answer')).toContainText('float32 rounding');
  await expect(page.getByTestId('step-counter')).toHaveText('Step 2 / 3');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-counter')).toHaveText('Step 3 / 3');
  await expect(page).toHaveURL(/step=3.*|backend=cpu.*step=3/);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('step-counter')).toHaveText('Step 2 / 3');
  // Any step is a link: opening it elsewhere lands on the same step.
  const url = page.url();
  const other = await page.context().newPage();
  await other.goto(url);
  await expect(other.getByTestId('step-counter')).toHaveText('Step 2 / 3');
});

test('a chart exports as SVG and PNG: downloaded, non-empty, the SVG parses and names the spec', async ({
  page,
}) => {
  await page.goto('./#/matmul?m=40&n=30&k=20');
  await waitForResult(page);
  const fig = page.locator('figure[data-viz="heatmap"]');
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    fig.getByRole('button', { name: /as PNG/ }).click(),
  ]);
  const pngBytes = readFileSync((await png.path()) as string);
  expect(pngBytes.length).toBeGreaterThan(500);
  expect([...pngBytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  expect(pngBytes.toString('latin1')).toContain('#/matmul?ver=1&m=40&n=30&k=20');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    fig.getByRole('button', { name: /as CSV/ }).click(),
  ]);
  expect(readFileSync((await csv.path()) as string, 'utf8').split('\n').length).toBeGreaterThan(10);

  // A d3 chart (SVG): the coefficient path of the Lasso on diabetes.
  await page.goto('./#/regression?ver=1&solver=lasso_path&source=diabetes');
  await waitForResult(page);
  const svgFig = page.locator('figure[data-viz="line"]').first();
  await expect(svgFig).toBeVisible();
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    svgFig.getByRole('button', { name: /as SVG/ }).click(),
  ]);
  const text = readFileSync((await svg.path()) as string, 'utf8');
  const parsed = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror') !== null,
      root: doc.documentElement.nodeName,
      paths: doc.querySelectorAll('path').length,
    };
  }, text);
  expect(parsed).toMatchObject({ error: false, root: 'svg' });
  expect(parsed.paths).toBeGreaterThan(5);
  expect(text).toContain('#/regression?ver=1&amp;source=diabetes');
  const [svgPng] = await Promise.all([
    page.waitForEvent('download'),
    svgFig.getByRole('button', { name: /as PNG/ }).click(),
  ]);
  expect(readFileSync((await svgPng.path()) as string).length).toBeGreaterThan(1000);
});

test('result exports: result.json, arrays as .npy, and the CLI command', async ({ page }) => {
  await page.goto('./#/matmul?m=12&n=10&k=8&seed=4');
  await waitForResult(page);
  await page.getByTestId('result-exports').locator('summary').click();
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'result.json' }).click(),
  ]);
  const result = JSON.parse(readFileSync((await json.path()) as string, 'utf8'));
  expect(result.spec).toMatchObject({ m: 12, n: 10, k: 8, seed: 4 });
  expect(result.arrays.c.shape).toEqual([12, 10]);
  const [npy] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'c.npy' }).click(),
  ]);
  const bytes = readFileSync((await npy.path()) as string);
  expect(bytes.subarray(1, 6).toString()).toBe('NUMPY');
  await expect(page.locator('.cli-line')).toHaveText(
    "npx sparselab run '#/matmul?ver=1&m=12&n=10&k=8&seed=4' --out out",
  );
});

test('an embed URL renders only the visualisation and a few key controls', async ({ page }) => {
  await page.goto('./#/matmul?m=40&n=30&k=20&embed=1');
  await expect(page.getByTestId('embed')).toBeVisible();
  await expect(page.locator('header.app-header')).toHaveCount(0);
  await expect(page.locator('aside.sidebar')).toHaveCount(0);
  await expect(page.locator('figure[data-viz="heatmap"] canvas')).toBeVisible();
  const controls = await page.locator('.embed-controls .control').count();
  expect(controls).toBeGreaterThan(0);
  expect(controls).toBeLessThanOrEqual(3);
  await expect(page.getByRole('link', { name: /Open in SparseLab/ })).toHaveAttribute(
    'href',
    /#\/matmul\?ver=1&m=40&n=30&k=20$/,
  );
});
