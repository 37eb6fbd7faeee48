import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { readNpy } from '../workers/io/npy';
import { readNpz } from '../workers/io/npz';
import { waitForResult } from './helpers';

const fixture = (name: string) => `test/fixtures/e2e/${name}`;
const slot = (page: Page, name: string) => page.locator(`[data-field="${name}"]`);

async function upload(page: Page, field: string, file: string) {
  await slot(page, field).locator('input[type="file"]').setInputFiles(fixture(file));
}

test('your own A (.npy) and B (.csv) are used, and the share link records them by name, shape and hash', async ({
  page,
  browser,
}) => {
  await page.goto('./#/matmul');
  await waitForResult(page);
  await upload(page, 'a', 'a_3x4.npy');
  await expect(slot(page, 'a')).toContainText('a_3x4.npy · 3×4 · float32');
  await upload(page, 'b', 'b_4x2.csv');
  await expect(slot(page, 'b')).toContainText('b_4x2.csv · 4×2 · float64');
  await waitForResult(page);
  await expect(page.locator('table.metrics caption')).toContainText('3×4 · 4×2');
  await expect(page).toHaveURL(/a=[0-9a-f]{64}~3x4~a_3x4\.npy/);
  const url = page.url();

  // Opened elsewhere, the link asks for the files and checks their hash.
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  await other.goto(url);
  await expect(other.getByTestId('run-error')).toContainText(
    'This link uses your file a = "a_3x4.npy" (3×4)',
  );
  await upload(other, 'a', 'other_3x4.npy');
  await expect(slot(other, 'a').locator('.field-error')).toContainText(
    'is not the file this link was made with',
  );
  await upload(other, 'a', 'a_3x4.npy');
  await upload(other, 'b', 'b_4x2.csv');
  await waitForResult(other);
  await expect(other.locator('.run-status')).toHaveAttribute('data-status', 'done');
  await expect(other.locator('table.metrics caption')).toContainText('3×4 · 4×2');
  await ctx.close();
});

test('a broken .npy and a CSV with text in a number column get clear messages; the lab keeps working', async ({
  page,
}) => {
  await page.goto('./#/matmul?m=20&n=20&k=20');
  await waitForResult(page);
  await upload(page, 'a', 'bad.npy');
  await expect(slot(page, 'a').locator('.field-error')).toContainText('bad.npy');
  await upload(page, 'b', 'bad.csv');
  await expect(slot(page, 'b').locator('.field-error')).toContainText(
    'bad.csv: row 3, column "y": "abc" is not a number',
  );
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  // Shapes that cannot multiply are named too.
  await upload(page, 'a', 'a_3x4.npy');
  await upload(page, 'b', 'b_5x2.npy');
  await expect(page.getByTestId('run-error')).toContainText('b has 5 rows but a has 4 columns');
  await slot(page, 'b').getByRole('button', { name: 'Remove' }).click();
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
});

test('a Fortran-order X.npy works in the regression lab: same fit as the C-order file, and the slot says it was transposed', async ({
  page,
}) => {
  await page.goto('./#/regression?solver=lasso_path&source=file');
  await waitForResult(page);
  await upload(page, 'y', 'y.npy');
  await upload(page, 'X', 'X_c.npy');
  await expect(slot(page, 'X')).toContainText('X_c.npy · 40×12 · float64');
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  const metrics = page.locator('table.metrics').first();
  const cOrder = (await metrics.textContent()) ?? '';
  expect(cOrder).toMatch(/\d/);
  await upload(page, 'X', 'X_fortran.npy');
  await expect(slot(page, 'X')).toContainText('X_fortran.npy · 40×12 · float64');
  await expect(slot(page, 'X').locator('.file-notes')).toContainText(
    'X_fortran.npy is in Fortran order: transposed to C order on read',
  );
  await expect(page).toHaveURL(/X=[0-9a-f]{64}~40x12~X_fortran\.npy/);
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  await expect(metrics).toHaveText(cOrder);
});

test('one .npz dropped on the Q slot fills Q, K and V in the attention lab, and the link records each array', async ({
  page,
}) => {
  await page.goto('./#/attention?method=dense&n=96&d=16&sweep=0');
  await waitForResult(page);
  await page.locator('[data-field="data"] select').selectOption('file');
  await upload(page, 'q', 'qkv_extra.npz');
  await expect(slot(page, 'q').locator('.field-error')).toContainText(
    'qkv_extra.npz: attention has no data slot named "w"',
  );
  await upload(page, 'q', 'qkv.npz');
  for (const s of ['q', 'k', 'v'])
    await expect(slot(page, s)).toContainText(`qkv.npz:${s} · 64×16 · float32`);
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByText('N = 64, d = 16')).toBeVisible();
  for (const s of ['q', 'k', 'v'])
    await expect(page).toHaveURL(new RegExp(`${s}=[0-9a-f]{64}~64x16~qkv\\.npz(:|%3A)${s}`));
  // Every output array in one .npz (as np.savez writes it), read back with our reader; the CLI line
  // passes the archive itself.
  await page.getByTestId('result-exports').locator('summary').click();
  const [npz] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'arrays.npz' }).click(),
  ]);
  const members = readNpz(new Uint8Array(readFileSync((await npz.path()) as string)));
  const out = members.find((m) => m.key === 'out');
  expect(out && readNpy(out.bytes).data.length).toBe(64 * 16);
  await expect(page.locator('.cli-line')).toContainText(' --data qkv.npz --out out');
});
