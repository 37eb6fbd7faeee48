import { expect, test } from '@playwright/test';
import { waitForResult } from './helpers';

test('the app loads and the device badge names the WebGPU adapter found in the worker', async ({ page }) => {
  await page.goto('./#/matmul');
  await expect(page.getByRole('heading', { name: 'SparseLab' })).toBeVisible();
  await expect(page.getByTestId('device-badge')).toHaveText(/WebGPU: .+/);
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('backend-used')).toContainText('WebGPU');
  await expect(page.getByTestId('parity')).toContainText('max rel. diff vs CPU');
});

test('a share URL opened in a fresh context restores the same experiment and numbers', async ({
  browser,
}) => {
  const url = './#/matmul?ver=1&m=37&n=29&k=11&dist=uniform&seed=9';
  const read = async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url);
    await waitForResult(page);
    await expect(page.locator('[data-field="m"] input[type="text"]')).toHaveValue('37');
    await expect(page.locator('[data-field="dist"] select')).toHaveValue('uniform');
    const norm = await page.locator('table.metrics tr', { hasText: '‖C‖_F' }).locator('td').textContent();
    const hash = await page.evaluate(() => location.hash);
    await ctx.close();
    return { norm, hash };
  };
  const a = await read();
  const b = await read();
  expect(a.norm).toBe(b.norm);
  expect(a.hash).toBe('#/matmul?ver=1&m=37&n=29&k=11&dist=uniform&seed=9');
});

test('a hostile URL shows a message naming each bad field and the app still works', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(
    './#/matmul?m=NaN&n=1e99&k=<img src=x onerror=alert(1)>&dist=<script>alert(2)</script>&evil=1',
  );
  const issues = page.getByTestId('link-issues');
  await expect(issues).toContainText('m must be');
  await expect(issues).toContainText('n must be');
  await expect(issues).toContainText('k must be');
  await expect(issues).toContainText('dist must be');
  await expect(issues).toContainText('unknown parameter "evil"');
  // Shown as text, never as markup.
  await expect(page.locator('.link-issues img, .link-issues script')).toHaveCount(0);
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  expect(dialogs).toEqual([]);
  // Still usable: change a parameter and a new run finishes with it.
  const m = page.locator('[data-field="m"] input[type="text"]');
  await m.fill('19');
  await m.press('Enter');
  await expect(page).toHaveURL(/m=19/);
  await waitForResult(page);
  await expect(page.locator('table.metrics caption')).toContainText('19×');
});

test('an unknown experiment in the URL is reported and the lab falls back', async ({ page }) => {
  await page.goto('./#/nonsense?x=1');
  await expect(page.getByTestId('link-issues')).toContainText('unknown experiment');
  await waitForResult(page);
});
