/** The data-source rule in the page: a file selects the file source, a generator drops it, unused files are named. */
import { expect, type Page, test } from '@playwright/test';
import { waitForResult } from './helpers';

const fixture = (name: string) => `test/fixtures/e2e/${name}`;
const slot = (page: Page, name: string) => page.locator(`[data-field="${name}"]`);
const upload = (page: Page, field: string, file: string) =>
  slot(page, field).locator('input[type="file"]').setInputFiles(fixture(file));
const status = (page: Page) => page.locator('.run-status');

test('attention: Q, K, V files select "my own files" and fix N, d; a generator again drops them and uses N, d', async ({
  page,
}) => {
  await page.goto('./#/attention?method=dense&sweep=0&n=64&d=16&backend=cpu');
  await waitForResult(page);
  await expect(page.getByRole('heading', { name: /N = 64, d = 16/ })).toBeVisible();

  await upload(page, 'q', 'q_48x16.npy');
  await expect(slot(page, 'data').locator('select')).toHaveValue('file');
  // Q alone: the page asks for K and V.
  await expect(page.getByTestId('run-error')).toContainText('missing: k, v');
  await upload(page, 'k', 'k_48x16.npy');
  await upload(page, 'v', 'v_48x16.npy');
  await expect(page.getByRole('heading', { name: /N = 48, d = 16/ })).toBeVisible();
  await expect(status(page)).toHaveAttribute('data-status', 'done');
  // N and d are read-only and show the files' values; the link names the files, not n.
  await expect(slot(page, 'n').locator('input')).toHaveValue('48');
  await expect(slot(page, 'n').locator('input')).toHaveAttribute('readonly', '');
  await expect(slot(page, 'd').locator('input')).toHaveValue('16');
  await expect(page).toHaveURL(/data=file/);
  await expect(page).toHaveURL(/q=[0-9a-f]{64}~48x16~q_48x16\.npy/);
  await expect(page).not.toHaveURL(/[?&]n=/);

  await slot(page, 'data').locator('select').selectOption('needle');
  await expect(page).not.toHaveURL(/[?&](q|k|v)=|data=file/);
  await expect(page).toHaveURL(/n=64/);
  await expect(page.getByRole('heading', { name: /N = 64, d = 16/ })).toBeVisible();
  await expect(status(page)).toHaveAttribute('data-status', 'done');
  await expect(slot(page, 'n').locator('input[type="text"]')).not.toHaveAttribute('readonly', '');
  await expect(slot(page, 'q')).toContainText('Drop a .npy, .npz or .csv here');
});

test('regression: X selects your data; a study that would not use it says so; diabetes drops the files', async ({
  page,
}) => {
  await page.goto('./#/regression?solver=omp&k=2&n=60&d=12&backend=cpu');
  await waitForResult(page);
  await upload(page, 'X', 'X_40x6.npy');
  await expect(slot(page, 'source').locator('select')).toHaveValue('file');
  await expect(page.getByTestId('run-error')).toContainText('needs y');
  await upload(page, 'y', 'y_40.csv');
  await expect(page.locator('table.metrics caption')).toContainText('your data (40 × 6)');
  await expect(status(page)).toHaveAttribute('data-status', 'done');
  await expect(slot(page, 'd').locator('input')).toHaveValue('6');

  // The phase diagram draws its own problems: the attached files are named, not silently dropped.
  await slot(page, 'study').locator('select').selectOption('phase');
  await expect(status(page)).toHaveAttribute('data-status', 'invalid');
  await expect(page.getByTestId('run-error')).toContainText(
    'X (X_40x6.npy) is not used: the phase diagram draws its own random problems',
  );

  await slot(page, 'study').locator('select').selectOption('fit');
  await slot(page, 'source').locator('select').selectOption('diabetes');
  await expect(page).not.toHaveURL(/[?&](X|y)=/);
  await expect(page.locator('table.metrics caption')).toContainText('diabetes (442 × 10');
  await expect(status(page)).toHaveAttribute('data-status', 'done');
});

test('SAE: activations select "my activations" and fix d; toy data again drops them', async ({ page }) => {
  await page.goto('./#/sae?latents=8&k=2&steps=20&metricsEvery=10&samples=512&backend=cpu');
  await waitForResult(page);
  await upload(page, 'x', 'acts_300x5.npy');
  await expect(slot(page, 'data').locator('select')).toHaveValue('file');
  await expect(slot(page, 'dims').locator('input')).toHaveValue('5');
  await expect(slot(page, 'samples').locator('input')).toHaveValue('300');
  await expect(page).toHaveURL(/x=[0-9a-f]{64}~300x5~acts_300x5\.npy/);
  await expect(page).not.toHaveURL(/samples=/);
  await waitForResult(page);
  await expect(status(page)).toHaveAttribute('data-status', 'done');
  await expect(page.locator('table.metrics caption')).toContainText('x: 300 samples × 5');

  await slot(page, 'data').locator('select').selectOption('toy');
  await expect(page).not.toHaveURL(/[?&]x=|data=file/);
  await expect(page).toHaveURL(/samples=512/);
  await expect(status(page)).toHaveAttribute('data-status', 'done');
  await expect(page.locator('table.metrics caption')).toContainText('toy');
});

test('links: a default adjusted to fit is a note; data=file without files asks for them', async ({
  page,
}) => {
  await page.goto('./#/sae?latents=2&steps=5&metricsEvery=5&backend=cpu');
  const issues = page.getByTestId('link-issues');
  await expect(issues).toContainText('Adjusted to fit the values in this link');
  await expect(issues).toContainText('k = 2 instead of 4, to fit latents = 2');
  await expect(slot(page, 'k').locator('input[type="text"]')).toHaveValue('2');
  await expect(slot(page, 'latents').locator('input[type="text"]')).toHaveValue('2');
  await waitForResult(page);
  await expect(status(page)).toHaveAttribute('data-status', 'done');

  await page.goto('./#/attention?data=file&backend=cpu');
  await expect(status(page)).toHaveAttribute('data-status', 'needs-file');
  await expect(page.getByTestId('run-error')).toContainText('need all three .npy files; missing: q, k, v');
  await expect(slot(page, 'data').locator('select')).toHaveValue('file');
});
