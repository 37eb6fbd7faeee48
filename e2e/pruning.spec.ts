import { expect, test } from '@playwright/test';
import { PRUNING_METHOD_IDS } from '../workers/spec/pruning';
import { runCleanlyInPage, waitForResult } from './helpers';

test('every pruning method runs in the page on WebGPU, and the sweep draws every method', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto('./#/matmul?m=8&n=8&k=8');
  for (const method of PRUNING_METHOD_IDS) {
    await runCleanlyInPage(
      page,
      `#/pruning?ver=1&method=${method}&pattern=2:4&rows=16&cols=48&tokens=96&heldTokens=32&atoms=12&nonzeros=3&iterations=2`,
    );
    await expect(page.getByTestId('backend-used')).toContainText('WebGPU');
    await expect(page.locator('.views')).toContainText('relErr (held-out)');
  }
  // A weight-mask method shows its mask, zoom and the sparse kernel against dense.
  await runCleanlyInPage(
    page,
    '#/pruning?ver=1&method=wanda&pattern=4:8&rows=16&cols=48&tokens=96&heldTokens=32',
  );
  await expect(page.getByTestId('parity')).toContainText('✓');
  await expect(page.locator('.viz[data-title^="Mask at full resolution"]')).toBeVisible();
  await expect(page.locator('.viz[data-title^="Pruned layer × held-out tokens"]')).toBeVisible();
  await runCleanlyInPage(page, '#/pruning?ver=1&study=sweep&rows=12&cols=32&tokens=64&heldTokens=32');
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
