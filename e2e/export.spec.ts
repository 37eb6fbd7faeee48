import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { waitForResult } from './helpers';

test('Export → Python downloads a zip with run.py, inputs.npz and outputs.npz', async ({ page }) => {
  await page.goto('./#/matmul?m=12&n=10&k=8&seed=4');
  await waitForResult(page);
  await page.getByTestId('result-exports').locator('summary').click();
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-python').click()]);
  expect(zip.suggestedFilename()).toBe('sparselab-matmul-python.zip');
  const files = unzipSync(readFileSync((await zip.path()) as string));
  const root = 'sparselab-matmul-python';
  expect(Object.keys(files).sort()).toEqual(
    ['README.txt', 'inputs.npz', 'outputs.npz', 'run.py'].map((f) => `${root}/${f}`),
  );
  const run = new TextDecoder().decode(files[`${root}/run.py`]);
  expect(run).toContain('#/matmul?ver=1&m=12&n=10&k=8&seed=4');
  expect(run).toContain('def load_data():');
  const inputs = unzipSync(files[`${root}/inputs.npz`]);
  expect(Object.keys(inputs).sort()).toEqual(['a.npy', 'b.npy']);
  expect(new TextDecoder().decode(inputs['a.npy'].subarray(1, 6))).toBe('NUMPY');
  expect(Object.keys(unzipSync(files[`${root}/outputs.npz`]))).toEqual(['c.npy']);
});

/** dist/ served under /sparselab/ only, as GitHub Pages serves a project site. */
const DIST = resolve('dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.wasm': 'application/wasm',
};
let server: Server;
let base = '';
const outside: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith('/sparselab/')) {
      outside.push(path);
      res.writeHead(404).end();
      return;
    }
    const file = resolve(DIST, decodeURIComponent(path.slice('/sparselab/'.length)) || 'index.html');
    if (!file.startsWith(DIST + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sparselab/`;
});

test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('the built site works under /sparselab/, explains itself under ?, and runs offline there', async ({
  page,
  context,
}) => {
  await page.goto(`${base}#/matmul?m=20&n=18&k=9`);
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  await page.getByRole('button', { name: 'Keyboard shortcuts and help' }).click();
  await expect(page.getByTestId('help-about')).toContainText('SparseLab lets you see what sparsity');
  await page.keyboard.press('Escape');
  expect(outside, 'requests outside the base path').toEqual([]);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await context.setOffline(true);
  await page.goto(`${base}#/matmul?m=7&n=8&k=9`);
  await page.reload();
  await waitForResult(page);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
  await context.setOffline(false);
});

test('the scale view shows dense and the method up to 128k tokens, the crossovers, and a GPU-class estimate', async ({
  page,
}) => {
  await page.goto('./#/attention?method=linear&n=128&d=64&sweep=0&backend=cpu');
  await waitForResult(page);
  const view = page.getByTestId('scale-view');
  await view.locator('summary').click();
  const rows = view.locator('tbody tr');
  await expect(rows.last().locator('th')).toHaveText('131,072');
  await expect(view.getByTestId('scale-crossover').first()).toContainText('from N = 256');
  await expect(view.locator('caption')).toContainText('estimate');
  const time = rows.last().locator('td').nth(6);
  const before = await time.textContent();
  await view.getByTestId('scale-peak').fill('0.5');
  await expect(time).not.toHaveText(before as string);
});
