import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { readNpy } from '../workers/io/npy';
import { ATTENTION_METHODS } from '../workers/spec/attention';
import { SOLVERS } from '../workers/spec/regression';
import { SAE_MODELS } from '../workers/spec/sae';
import { runCleanlyInPage } from './helpers';

test('every attention method runs in the app on WebGPU, with parity against the CPU', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('./#/matmul?m=8&n=8&k=8');
  for (const method of ATTENTION_METHODS) {
    await runCleanlyInPage(
      page,
      `#/attention?ver=1&method=${method}&n=96&d=16&causal=${method === 'llsa' ? 0 : 1}&sweep=0&seed=${method.length}`,
    );
    await expect(page.getByTestId('backend-used')).toContainText('WebGPU');
    await expect(page.getByTestId('parity')).toContainText('✓');
  }
});

interface RegressionOut {
  coefs: number[];
  metrics: Record<string, number>;
  alphas: number[] | null;
}

/** The last regression result in the page: the coefficients (one fit, or the whole path) and metrics. */
function regressionResult(page: Page): Promise<RegressionOut> {
  return page.evaluate(() => {
    type Arr = { data: ArrayLike<number> };
    const r = (
      window as unknown as {
        sparselab: {
          store: {
            getState(): {
              results: Record<string, { arrays: Record<string, Arr>; metrics: Record<string, number> }>;
            };
          };
        };
      }
    ).sparselab.store.getState().results.regression;
    const coefs = r.arrays.coefs ?? r.arrays.coef;
    return {
      coefs: Array.from(coefs.data),
      metrics: r.metrics,
      alphas: r.arrays.alphas ? Array.from(r.arrays.alphas.data) : null,
    };
  });
}

/** max |a − b| / max |b|. */
function relToMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-300);
}

const GPU_SOLVERS = new Set(['fista', 'lasso_path', 'enet_path']);

test('every regression solver runs in the app, and its numbers match the CPU backend and the true w*', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('./#/matmul?m=8&n=8&k=8');
  for (const solver of SOLVERS) {
    // KroSBL solves its own Kronecker problem (X = A ⊗ B, kronK² = 4 nonzeros); the others share one design.
    const spec =
      solver === 'kron_sbl'
        ? `solver=kron_sbl&kronM=8&kronN=8&kronK=2&seed=3`
        : `solver=${solver}&n=60&d=30&s=4&seed=${solver.length}`;
    await runCleanlyInPage(page, `#/regression?ver=1&backend=webgpu&${spec}`);
    const gpu = await regressionResult(page);
    await runCleanlyInPage(page, `#/regression?ver=1&backend=cpu&${spec}`);
    const cpu = await regressionResult(page);
    expect(gpu.coefs.length, solver).toBe(cpu.coefs.length);
    // FISTA and the paths run on the GPU (float32; paths by FISTA against CPU coordinate descent); the
    // other solvers run the CPU reference on both backends and must agree to rounding.
    expect(relToMax(gpu.coefs, cpu.coefs), solver).toBeLessThan(GPU_SOLVERS.has(solver) ? 5e-3 : 1e-12);
    // Against the truth: zero coefficients have relative error exactly 1 and no true positives.
    if (solver === 'kron_sbl') {
      expect(gpu.metrics.kron_support_tp, solver).toBe(4);
    } else if (solver === 'ldp_ni' || solver === 'ldp_si') {
      // Privatised data at the default ε is noisy: some true coefficient is still found.
      expect(gpu.metrics.tp, solver).toBeGreaterThanOrEqual(1);
    } else {
      expect(gpu.metrics.tp, solver).toBe(4);
      expect(gpu.metrics.rel_error, solver).toBeLessThan(0.5);
    }
  }
});

test('the Lasso path on diabetes matches scikit-learn’s lasso_path on both backends, LARS its lars_path', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const golden = (c: string, name: string) =>
    Array.from(
      readNpy(readFileSync(new URL(`../test/fixtures/regression/${c}/${name}.npy`, import.meta.url)), name)
        .data as Float64Array,
    );
  const alphas = golden('lasso_path_diabetes', 'alphas');
  const coefs = golden('lasso_path_diabetes', 'coefs');
  await page.goto('./#/matmul?m=8&n=8&k=8');
  // WebGPU: FISTA (float32) at the default tolerance; CPU: coordinate descent run to a tight gap.
  for (const [backend, extra, tol] of [
    ['webgpu', '', 5e-3],
    ['cpu', '&tol=1e-8&maxIter=20000', 1e-4],
  ] as const) {
    await runCleanlyInPage(
      page,
      `#/regression?ver=1&backend=${backend}&solver=lasso_path&source=diabetes&nAlphas=40&eps=0.001${extra}`,
    );
    const r = await regressionResult(page);
    expect(relToMax(r.alphas ?? [], alphas)).toBeLessThan(1e-10);
    expect(relToMax(r.coefs, coefs), backend).toBeLessThan(tol);
  }
  await runCleanlyInPage(page, '#/regression?ver=1&backend=cpu&solver=lars_lasso&source=diabetes');
  const lars = await regressionResult(page);
  expect(relToMax(lars.alphas ?? [], golden('lars_lasso_diabetes', 'alphas'))).toBeLessThan(1e-6);
  expect(relToMax(lars.coefs, golden('lars_lasso_diabetes', 'coefs'))).toBeLessThan(1e-4);
});

test('OMP with the WebGPU backend says its solve ran on the CPU; the Lasso path says FISTA on WebGPU', async ({
  page,
}) => {
  await page.goto('./#/regression?ver=1&backend=webgpu&solver=omp&n=60&d=30&s=4');
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('stages').locator('[data-stage="solve"]')).toHaveText(
    'solve: CPU — OMP has no GPU path',
  );
  await expect(page.getByTestId('backend-used')).toContainText('Ran on CPU (the WebGPU backend was chosen)');
  await runCleanlyInPage(
    page,
    '#/regression?ver=1&backend=webgpu&solver=lasso_path&n=60&d=30&s=4&nAlphas=10',
  );
  await expect(page.getByTestId('stages').locator('[data-stage="path"]')).toHaveText(
    'path: FISTA (warm starts along α) on WebGPU',
  );
  await expect(page.locator('[data-field="solver"] option[value="lasso_path"]')).toHaveText(
    'Lasso path (FISTA on WebGPU, warm starts)',
  );
  await runCleanlyInPage(page, '#/regression?ver=1&backend=cpu&solver=lasso_path&n=60&d=30&s=4&nAlphas=10');
  await expect(page.locator('[data-field="solver"] option[value="lasso_path"]')).toHaveText(
    'Lasso path (CD, warm starts)',
  );
});

test('a broken GPU block score (test-only fault) turns the attention parity badge to ✗ with the mask agreement', async ({
  page,
}) => {
  const hash = (seed: number) =>
    `#/attention?ver=1&method=blocksparse&n=130&d=24&sweep=0&rho=0.3&data=clustered&seed=${seed}`;
  await page.goto(`./${hash(1)}`);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('parity')).toContainText('✓');
  await expect(page.getByTestId('parity')).toContainText('mask agreement 100%');
  await page.evaluate(() =>
    (
      window as unknown as {
        sparselab: { pool: { for(e: string): { debugFault(k: string): Promise<void> } } };
      }
    ).sparselab.pool
      .for('attention')
      .debugFault('perturb-block-score'),
  );
  await page.evaluate((h) => {
    location.hash = h;
  }, hash(2));
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('parity')).toContainText('✗', { timeout: 60_000 });
  await expect(page.getByTestId('parity')).toContainText(/mask agreement \d+(\.\d+)?% \(\d+ blocks differ\)/);
});

test('all five SAE models train in the app on WebGPU', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('./#/matmul?m=8&n=8&k=8');
  for (const model of SAE_MODELS) {
    await runCleanlyInPage(
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
