import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/chromium';

const PORT = Number(process.env.SPARSELAB_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 150_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}/`,
    launchOptions: chromiumLaunchOptions(),
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --bypass-lock`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
