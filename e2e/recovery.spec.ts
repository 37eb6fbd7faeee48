import { expect, type Page, test } from '@playwright/test';
import { waitForResult } from './helpers';

type Handle = {
  sparselab: {
    pool: { for(exp: string): { debugFault(k: string): Promise<void> } };
  };
};

const status = (page: Page) => page.locator('.run-status');

async function setM(page: Page, m: number) {
  const input = page.locator('[data-field="m"] input[type="text"]');
  await input.fill(String(m));
  await input.press('Enter');
}

test('a long run can be cancelled, and the next run works', async ({ page }) => {
  await page.goto('./#/matmul?m=1200&n=1200&k=1200');
  await expect(status(page)).toHaveAttribute('data-status', 'running');
  await page.getByRole('button', { name: /Cancel/ }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'cancelled', { timeout: 5_000 });
  await setM(page, 33);
  await page.locator('[data-field="n"] input[type="text"]').fill('17');
  await page.locator('[data-field="n"] input[type="text"]').press('Enter');
  await page.locator('[data-field="k"] input[type="text"]').fill('9');
  await page.locator('[data-field="k"] input[type="text"]').press('Enter');
  await waitForResult(page);
  await expect(status(page)).toHaveAttribute('data-status', 'done');
  await expect(page.locator('table.metrics caption')).toContainText('33×9 · 9×17');
});

test('Escape cancels a run from the keyboard', async ({ page }) => {
  await page.goto('./#/matmul?m=1200&n=1200&k=1200');
  await expect(status(page)).toHaveAttribute('data-status', 'running');
  await page.locator('body').press('Escape');
  await expect(status(page)).toHaveAttribute('data-status', 'cancelled', { timeout: 5_000 });
});

test('a worker crash mid-run gives a clear message and a working lab afterwards', async ({ page }) => {
  await page.goto('./#/matmul?m=1200&n=1200&k=1200');
  await expect(status(page)).toHaveAttribute('data-status', 'running');
  await page.evaluate(() => (window as unknown as Handle).sparselab.pool.for('matmul').debugFault('crash'));
  await expect(page.getByTestId('run-error')).toContainText('the compute worker crashed');
  await setM(page, 12);
  await waitForResult(page);
  await expect(status(page)).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('backend-used')).toContainText('WebGPU');
});

test('a lost GPU device is replaced on the next run', async ({ page }) => {
  await page.goto('./#/matmul?m=40&n=40&k=40');
  await waitForResult(page);
  await page.evaluate(() =>
    (window as unknown as Handle).sparselab.pool.for('matmul').debugFault('lose-device'),
  );
  await setM(page, 41);
  await waitForResult(page);
  await expect(status(page)).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('backend-used')).toContainText('WebGPU');
  await expect(page.getByTestId('parity')).toContainText('✓');
});

test('the CPU backend can be picked, and the UI says which backend ran', async ({ page }) => {
  await page.goto('./#/matmul?m=30&n=20&k=10');
  await waitForResult(page);
  await page.getByLabel('Compute backend').selectOption('cpu');
  await expect(page).toHaveURL(/backend=cpu/);
  await expect(page.getByTestId('backend-used')).toContainText('CPU');
});
