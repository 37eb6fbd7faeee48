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
