import { expect, test } from '@playwright/test';
import { waitForResult } from './helpers';

type Handle = {
  sparselab: {
    pool: { idleMs: number; liveLabs(): string[]; for(exp: string): { retirements: number } };
  };
};

test('an idle lab worker is shut down once its lab is closed, and the next run starts a new one', async ({
  page,
}) => {
  await page.goto('./#/matmul?m=33&n=17&k=9');
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  // Test hook: a short idle timeout instead of the default minute.
  await page.evaluate(() => {
    (window as unknown as Handle).sparselab.pool.idleMs = 100;
  });
  // While the lab is open its worker stays.
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as Handle).sparselab.pool.liveLabs())).toContain(
    'matmul',
  );
  await page.evaluate(() => {
    location.hash = '#/';
  });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as Handle).sparselab.pool.liveLabs()))
    .not.toContain('matmul');
  expect(
    await page.evaluate(() => (window as unknown as Handle).sparselab.pool.for('matmul').retirements),
  ).toBe(1);
  await page.evaluate(() => {
    location.hash = '#/matmul?m=31&n=17&k=9';
  });
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  await expect(page.locator('table.metrics caption')).toContainText('31×9 · 9×17');
  expect(await page.evaluate(() => (window as unknown as Handle).sparselab.pool.liveLabs())).toContain(
    'matmul',
  );
});

test('a paused training run keeps its worker while another lab is open, and resumes', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('./#/sae?ver=1&model=topk&steps=20000&backend=cpu');
  const status = page.locator('.run-status');
  await expect
    .poll(async () => Number(await page.locator('.run-status progress').getAttribute('value')), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0.01);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await expect(status).toHaveAttribute('data-status', 'paused');
  await page.evaluate(() => {
    (window as unknown as Handle).sparselab.pool.idleMs = 100;
  });
  await page.evaluate(() => {
    location.hash = '#/';
  });
  // Many idle periods later the paused run's worker is still there.
  await page.waitForTimeout(1500);
  const pool = () =>
    page.evaluate(() => {
      const p = (window as unknown as Handle).sparselab.pool;
      return { live: p.liveLabs(), retired: p.for('sae').retirements };
    });
  expect(await pool()).toEqual({ live: ['sae'], retired: 0 });
  await page.evaluate(() => {
    location.hash = '#/sae?ver=1&model=topk&steps=20000&backend=cpu';
  });
  await expect(status).toHaveAttribute('data-status', 'paused');
  await page.getByRole('button', { name: /^Resume/ }).click();
  await expect(status).toHaveAttribute('data-status', 'running');
  await page.getByRole('button', { name: /^Cancel/ }).click();
  await expect(status).toHaveAttribute('data-status', 'cancelled');
  // Cancelled, its lab closed: now it goes.
  await page.evaluate(() => {
    location.hash = '#/';
  });
  await expect.poll(async () => (await pool()).live).toEqual([]);
});
