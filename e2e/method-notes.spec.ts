import { expect, test } from '@playwright/test';

test('each method control links to its section of the method notes, which the built site serves', async ({
  page,
}) => {
  await page.goto('./#/attention?method=sla&n=64');
  const link = page.locator('[data-field="method"] a.method-notes');
  await expect(link).toHaveAttribute('href', 'methods.html#sla');
  await page.locator('[data-field="method"] select').selectOption('hip');
  await expect(link).toHaveAttribute('href', 'methods.html#hip');
  // The ? overlay links to the open lab's section.
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-method-notes').locator('a')).toHaveAttribute(
    'href',
    'methods.html#attention-lab',
  );
  await page.goto('./methods.html#hip');
  await expect(page.locator('h3#hip')).toBeVisible();
  await expect(page.locator('h2#sparse-regression-lab')).toBeVisible();
  expect(await page.locator('script').count()).toBe(0);
});
