import { expect, test } from '@playwright/test';
import { waitForResult } from './helpers';

test('a run over the memory limit is refused with the estimate and how to raise the limit', async ({
  page,
}) => {
  await page.goto('./#/sae?latents=65536&batch=16384&samples=65536&backend=cpu');
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'error');
  const body = page.locator('body');
  await expect(body).toContainText(/needs about 51\.6 GB of memory \(limit 2 GB/);
  await expect(body).toContainText('Max memory (GB)');
  // Raising the memory limit on the page: now only the work estimate is over its limit.
  const mem = page.getByRole('textbox', { name: 'Max memory (GB)' });
  await mem.fill('100');
  await mem.press('Enter');
  await expect(page).toHaveURL(/maxMemoryGB=100/);
  await expect(body).toContainText(/needs about 103,463 GFLOP of work \(limit 2,000 GFLOP/);
  await expect(body).not.toContainText('GB of memory (limit');
  await expect(page.getByRole('textbox', { name: 'Max work (GFLOP)' })).toBeVisible();
});
