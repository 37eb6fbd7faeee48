import { expect, type Page } from '@playwright/test';

/** Waits until the compute worker has reported its device and a run has finished. */
export async function waitForResult(page: Page): Promise<void> {
  await expect(page.getByTestId('device-badge')).not.toHaveText(/Looking for a GPU/);
  // A run on the software adapter (SwiftShader) of a loaded 2-core machine can take a minute: wait for it, as a
  // user would; what the tests check is the result, never the time.
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', /done|error|invalid|needs-file/, {
    timeout: 100_000,
  });
}

type StoreHandle = {
  sparselab: { store: { getState(): { runs: Record<string, { seq: number; status: string }> } } };
};

/** Opens a spec in the running page (a hash change, no reload) and waits for a new run of it to finish done. */
export async function openInPage(page: Page, hash: string): Promise<void> {
  const exp = /^#\/(\w+)/.exec(hash)?.[1] ?? '';
  const before = await page.evaluate(
    (e) => (window as unknown as StoreHandle).sparselab.store.getState().runs[e]?.seq ?? 0,
    exp,
  );
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction(
    ([e, seq]) => {
      const r = (window as unknown as StoreHandle).sparselab.store.getState().runs[e as string];
      return r !== undefined && r.seq > (seq as number) && !['running', 'paused', 'idle'].includes(r.status);
    },
    [exp, before] as const,
    { timeout: 100_000 },
  );
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', 'done');
}

/** openInPage, then: no NaN/Inf, no ✗ parity badge, and a chart on screen. */
export async function runCleanlyInPage(page: Page, hash: string): Promise<void> {
  await openInPage(page, hash);
  await expect(page.getByTestId('nonfinite')).toHaveCount(0);
  await expect(page.locator('[data-testid="parity"]', { hasText: '✗' })).toHaveCount(0);
  await expect(page.locator('.views .viz').first()).toBeVisible();
}
