/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { methodsPage } from './scripts/methods-page.ts';
import { serviceWorker } from './scripts/service-worker-plugin.ts';

export default defineConfig({
  // Relative asset paths: the built site works from any static host and under any base path.
  base: './',
  plugins: [react(), methodsPage(), serviceWorker()],
  worker: { format: 'es' },
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173 },
  test: {
    include: ['workers/**/*.test.ts', 'cli/**/*.test.ts', 'app/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
