import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { waitForResult } from './helpers';

// Serious and critical WCAG A/AA problems on the landing page and in each lab, found by axe-core.
const PAGES = [
  ['landing', './'],
  ['landing, dark theme', './'],
  [
    'presentation mode',
    './#/regression?ver=1&solver=lasso_path&source=diabetes&tour=regression-lasso&step=1&present=1',
  ],
  ['attention', './#/attention?ver=1&n=64&d=16&sweep=0'],
  ['regression', './#/regression?ver=1&source=diabetes'],
  ['sae', './#/sae?ver=1&steps=50&backend=cpu'],
] as const;

for (const [name, url] of PAGES) {
  test(`no serious accessibility violations: ${name}`, async ({ page }) => {
    if (name.includes('dark')) await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(url);
    if (!name.startsWith('landing')) await waitForResult(page);
    else await expect(page.getByRole('heading', { name: /interactive lab/ })).toBeVisible();
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.length}) e.g. ${v.nodes[0]?.target.join(' ')}`);
    expect(results.passes.length).toBeGreaterThan(10);
    expect(serious).toEqual([]);
  });
}
