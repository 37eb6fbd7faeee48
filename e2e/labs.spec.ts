import { expect, type Page, test } from '@playwright/test';
import { ATTENTION_METHODS } from '../workers/spec/attention';
import { SOLVERS } from '../workers/spec/regression';
import { SAE_MODELS } from '../workers/spec/sae';

type Handle = {
  sparselab: {
    store: { getState(): { experiment: string; runs: Record<string, { seq: number; status: string }> } };
  };
};

/** Opens a spec in the running page (a hash change, no reload) and waits for a new run of it to end cleanly. */
async function runInPage(page: Page, hash: string): Promise<void> {
  const exp = /^#\/(\w+)/.exec(hash)?.[1] ?? '';
  const before = await page.evaluate(
    (e) => (window as unknown as Handle).sparselab.store.getState().runs[e]?.seq ?? 0,
    exp,
  );
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction(
    ([e, seq]) => {
      const r = (window as unknown as Handle).sparselab.store.getState().runs[e as string];
      return r !== undefined && r.seq > (seq as number) && !['running', 'paused', 'idle'].includes(r.status);
    },
    [exp, before] as const,
    { timeout: 60_000 },
  );
  const status = page.locator('.run-status');
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(status).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('nonfinite')).toHaveCount(0);
  await expect(page.locator('[data-testid="parity"]', { hasText: '✗' })).toHaveCount(0);
  await expect(page.locator('.views .viz').first()).toBeVisible();
}

test('every attention method runs in the app on WebGPU, with parity against the CPU', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('./#/matmul?m=8&n=8&k=8');
  for (const method of ATTENTION_METHODS) {
    await runInPage(
      page,
      `#/attention?ver=1&method=${method}&n=96&d=16&causal=${method === 'llsa' ? 0 : 1}&sweep=0&seed=${method.length}`,
    );
    await expect(page.getByTestId('backend-used')).toContainText('WebGPU');
    await expect(page.getByTestId('parity')).toContainText('✓');
  }
});

test('every regression solver runs in the app', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('./#/matmul?m=8&n=8&k=8');
  for (const solver of SOLVERS) {
    await runInPage(page, `#/regression?ver=1&solver=${solver}&n=60&d=30&s=4&seed=${solver.length}`);
  }
});

test('all five SAE models train in the app on WebGPU', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('./#/matmul?m=8&n=8&k=8');
  for (const model of SAE_MODELS) {
    await runInPage(
      page,
      `#/sae?ver=1&model=${model}&steps=40&batch=64&latents=32&metricsEvery=10&samples=2048`,
    );
    await expect(page.getByTestId('backend-used')).toContainText('WebGPU');
    await expect(page.getByTestId('parity')).toContainText('✓');
  }
});

test('a training run survives switching labs, and can be paused and resumed', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('./#/sae?ver=1&model=topk&steps=20000&backend=cpu');
  const status = page.locator('.run-status');
  await expect
    .poll(async () => Number(await page.locator('.run-status progress').getAttribute('value')), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0.02);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await expect(status).toHaveAttribute('data-status', 'paused');
  await page.waitForTimeout(500);
  const frozen = await page.locator('.run-status progress').getAttribute('value');
  await page.waitForTimeout(1500);
  expect(await page.locator('.run-status progress').getAttribute('value')).toBe(frozen);
  await page.getByRole('button', { name: /^Resume/ }).click();
  await expect(status).toHaveAttribute('data-status', 'running');
  // Another lab meanwhile: the SAE keeps training (its tab says so) and keeps its parameters.
  await page.getByRole('button', { name: /^Sparse regression/ }).click();
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByRole('button', { name: /^Sparse autoencoders/ })).toContainText('(running)');
  await page.getByRole('button', { name: /^Sparse autoencoders/ }).click();
  await expect(page.locator('[data-field="steps"] input[type="text"]')).toHaveValue('20000');
  await expect(status).toHaveAttribute('data-status', 'running');
  await page.getByRole('button', { name: /^Cancel/ }).click();
  await expect(status).toHaveAttribute('data-status', 'cancelled');
});

test('clicking the attention map zooms there at full resolution, in the URL; reset returns to the worst row', async ({
  page,
}) => {
  await page.goto('./#/attention?ver=1&backend=cpu&n=512&d=16&sweep=0&method=window');
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const zoom = page.locator('[data-testid="attention-zoom"] figure[data-viz="heatmap"]');
  await expect(zoom).toHaveAttribute('data-title', /automatic: worst row/);
  await expect(page.getByTestId('zoom-reset')).toBeDisabled();
  const map = page.locator('figure[data-viz="heatmap"][data-title^="Dense attention"] canvas');
  const box = await map.boundingBox();
  if (!box) throw new Error('the attention map has no box');
  await map.click({ position: { x: (box.width * 32.5) / 256, y: (box.height * 64.5) / 256 } });
  await expect(page).toHaveURL(/zoomQ=128&zoomK=64/);
  await expect(zoom).toHaveAttribute(
    'data-title',
    /around query 128, key 64 \(chosen\): queries 96–159, keys 32–95/,
    {
      timeout: 60_000,
    },
  );
  await page.getByTestId('zoom-reset').click();
  await expect(page).not.toHaveURL(/zoomQ/);
  await expect(zoom).toHaveAttribute('data-title', /automatic: worst row/, { timeout: 60_000 });
});
