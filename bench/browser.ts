/**
 * `npm run bench -- --browser`: the GPU suites (bench/browser/suites.ts) in headless Chromium's WebGPU, the
 * adapter users have. The page (bench/browser/index.html) is bundled by Vite into a temporary folder, served
 * from 127.0.0.1 on a free port, and driven with Playwright's Chromium launcher, using the browser and flags
 * of playwright.config.ts (Debian's /usr/bin/chromium with SwiftShader on machines without a GPU).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import type { BrowserBenchResult } from './browser/page';
import type { BenchOptions, BenchRow } from './common';

export const BROWSER_RUNTIME = 'browser (Chromium WebGPU)';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]));
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    stat(file)
      .then((s) => {
        if (!s.isFile()) throw new Error('not a file');
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(res);
      })
      .catch(() => res.writeHead(404).end());
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

export interface BrowserRun {
  adapterName: string;
  adapter: unknown;
  timestamps: boolean;
  userAgent: string;
  rows: Array<BenchRow & { suite: string }>;
}

/** Runs the GPU suites named in `only` (all of them when null) in Chromium; rows carry runtime and adapter. */
export async function benchBrowser(size: BenchOptions['size'], only: string[] | null): Promise<BrowserRun> {
  const root = resolve('bench', 'browser');
  const outDir = await mkdtemp(join(tmpdir(), 'sparselab-bench-'));
  const { build } = await import('vite');
  await build({
    configFile: false,
    root,
    base: './',
    logLevel: 'warn',
    resolve: { alias: [{ find: /^.*\/workers\/gpu\/node$/, replacement: join(root, 'node-stub.ts') }] },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  });
  const server = await serve(outDir);
  const { chromium } = await import('@playwright/test');
  const config = (await import('../playwright.config')).default;
  const browser = await chromium.launch({ ...config.use?.launchOptions, headless: true });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.error(`[chromium] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`[chromium] page error: ${e.message}`));
    const port = (server.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction(() => 'sparselabBench' in globalThis);
    page.setDefaultTimeout(0);
    const r = await page.evaluate(
      ([s, o]) =>
        (
          globalThis as unknown as {
            sparselabBench: (size: string, only: string[] | null) => Promise<BrowserBenchResult>;
          }
        ).sparselabBench(s as string, o as string[] | null),
      [size, only] as const,
    );
    return {
      adapterName: r.adapter,
      adapter: r.adapterInfo,
      timestamps: r.timestamps,
      userAgent: r.userAgent,
      rows: r.rows.map((row) => ({ ...row, runtime: BROWSER_RUNTIME, adapter: r.adapter })),
    };
  } finally {
    await browser.close();
    server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}
