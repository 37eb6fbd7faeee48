import { expect, type Page } from '@playwright/test';

/** Waits until the compute worker has reported its device and a run has finished. */
export async function waitForResult(page: Page): Promise<void> {
  await expect(page.getByTestId('device-badge')).not.toHaveText(/Looking for a GPU/);
  await expect(page.locator('.run-status')).toHaveAttribute('data-status', /done|error|invalid|needs-file/);
}
