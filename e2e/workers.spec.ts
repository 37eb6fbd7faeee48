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
