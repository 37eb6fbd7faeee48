import { expect, type Page, test } from '@playwright/test';
import { PRUNING_METHOD_IDS } from '../workers/spec/pruning';
import { waitForResult } from './helpers';

type Handle = {
  sparselab: {
    store: { getState(): { runs: Record<string, { seq: number; status: string }> } };
  };
};

/** Opens a spec in the running page (a hash change, no reload) and waits for a new run of it to end cleanly. */
async function runInPage(page: Page, hash: string): Promise<void> {
  const before = await page.evaluate(
    () => (window as unknown as Handle).sparselab.store.getState().runs.pruning?.seq ?? 0,
  );
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction(
    (seq) => {
      const r = (window as unknown as Handle).sparselab.store.getState().runs.pruning;
      return r !== undefined && r.seq > seq && !['running', 'paused', 'idle'].includes(r.status);
    },
    before,
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('nonfinite')).toHaveCount(0);
  await expect(page.locator('[data-testid="parity"]', { hasText: '✗' })).toHaveCount(0);
  await expect(page.locator('.views .viz').first()).toBeVisible();
}

test('every pruning method runs in the page on WebGPU, and the sweep draws every method', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto('./#/matmul?m=8&n=8&k=8');
  for (const method of PRUNING_METHOD_IDS) {
    await runInPage(
      page,
      `#/pruning?ver=1&method=${method}&pattern=2:4&rows=16&cols=48&tokens=96&heldTokens=32&atoms=12&nonzeros=3&iterations=2`,
    );
    await expect(page.getByTestId('backend-used')).toContainText('WebGPU');
    await expect(page.locator('.views')).toContainText('relErr (held-out)');
  }
  // A weight-mask method shows its mask, zoom and the sparse kernel against dense.
  await runInPage(page, '#/pruning?ver=1&method=wanda&pattern=4:8&rows=16&cols=48&tokens=96&heldTokens=32');
  await expect(page.getByTestId('parity')).toContainText('✓');
  await expect(page.locator('.viz[data-title^="Mask at full resolution"]')).toBeVisible();
  await expect(page.locator('.viz[data-title^="Pruned layer × held-out tokens"]')).toBeVisible();
  await runInPage(page, '#/pruning?ver=1&study=sweep&rows=12&cols=32&tokens=64&heldTokens=32');
  const chart = page.locator('.viz[data-title^="Held-out output error against sparsity"]');
  await expect(chart).toBeVisible();
  for (const label of ['Magnitude', 'Wanda', 'SparseGPT', 'DSnoT', 'R-Sparse', 'CoSpaDi'])
    await expect(chart).toContainText(label);
});

test('no serious accessibility violations: pruning lab', async ({ page }) => {
  const AxeBuilder = (await import('@axe-core/playwright')).default;
  await page.goto('./#/pruning?ver=1&method=wanda&pattern=2:4&rows=16&cols=48&tokens=96&heldTokens=32');
  await waitForResult(page);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length}) e.g. ${v.nodes[0]?.target.join(' ')}`);
  expect(results.passes.length).toBeGreaterThan(10);
  expect(serious).toEqual([]);
});
