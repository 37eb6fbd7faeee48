/**
 * `npm run bench -- --only ui`: how smooth the built site is. Serves dist/ (rebuilt first when missing or
 * older than the sources), opens each lab's default and each preset in headless Chromium, waits for its run
 * to finish, and reports the main thread's long tasks (> 50 ms, a PerformanceObserver installed before the
 * app's scripts): how many, and the longest (in the medianMs column). Goal: none.
 *
 * Long tasks depend on the machine's load, so the 1-minute load average before and after each page is in the
 * note. SAE pages train on the CPU backend (as the e2e tests do: SwiftShader makes GPU training slow).
 * SPARSELAB_UI_PAGES=<regex> keeps only pages whose name or hash matches it.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../app/content/presets';
import { chromiumLaunchOptions } from '../test/chromium';
import { specs } from '../workers/spec/registry';
import type { BenchOptions, BenchRow } from './common';

const SOURCES = ['app', 'workers', 'index.html', 'vite.config.ts', 'public'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

/** Rebuilds dist/ when it is missing or older than any source file. */
function ensureBuilt(): string {
  const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : 0;
  const src = Math.max(...SOURCES.map(newest));
  if (built >= src) return 'dist/ up to date';
  console.error('ui: dist/ is missing or stale: running `npm run build`');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('`vite build` failed: run `npm run build` and fix it first');
  return 'dist/ rebuilt';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function serve(port: number): Promise<ChildProcess> {
  const child = spawn(
    'npx',
    ['vite', 'preview', '--port', String(port), '--strictPort', '--bypass-lock', '--host', '127.0.0.1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null)
      throw new Error(`vite preview exited with ${child.exitCode}: ${err.trim().split('\n')[0]}`);
    try {
      if ((await fetch(url)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`vite preview did not answer on ${url} within 60 s`);
}

/** Installed before the app's scripts: every long task, with its start and duration. */
const OBSERVER = `(() => {
  const w = window;
  w.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { w.__longTasksError = String(e); }
})();`;

interface Page {
  name: string;
  hash: string;
}

function pages(): Page[] {
  const all: Page[] = [
    ...Object.keys(specs).map((id) => ({ name: `${id} (default)`, hash: `#/${id}` })),
    ...PRESETS.map((p) => ({ name: `${p.lab}: ${p.id}`, hash: p.hash })),
  ].map((p) =>
    p.hash.startsWith('#/sae') && !/backend=cpu/.test(p.hash)
      ? { ...p, hash: `${p.hash}${p.hash.includes('?') ? '&' : '?'}backend=cpu` }
      : p,
  );
  const only = process.env.SPARSELAB_UI_PAGES;
  if (!only) return all;
  const re = new RegExp(only);
  return all.filter((p) => re.test(p.name) || re.test(p.hash));
}

export async function benchUi(_o: BenchOptions): Promise<BenchRow[]> {
  const built = ensureBuilt();
  const { chromium } = await import('@playwright/test');
  const port = await freePort();
  const server = await serve(port);
  const base = `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch(chromiumLaunchOptions());
  const rows: BenchRow[] = [];
  const cores = cpus().length;
  console.error(`ui: ${built}; serving on ${base}; ${cores} cores; load ${loadavg()[0].toFixed(1)}`);
  try {
    for (const p of pages()) {
      const load0 = loadavg()[0];
      const ctx = await browser.newContext();
      await ctx.addInitScript(OBSERVER);
      const page = await ctx.newPage();
      const t0 = performance.now();
      let status = '?';
      try {
        await page.goto(`${base}${p.hash}`);
        await page.waitForFunction(
          () => {
            const badge = document.querySelector('[data-testid="device-badge"]');
            const st = document.querySelector('.run-status')?.getAttribute('data-status') ?? '';
            return (
              !!badge &&
              !/Looking for a GPU/.test(badge.textContent ?? '') &&
              /done|error|invalid|needs-file/.test(st)
            );
          },
          undefined,
          { timeout: 300_000, polling: 250 },
        );
        status = (await page.locator('.run-status').getAttribute('data-status')) ?? '?';
        // Let the result's charts render before reading the tasks.
        await page.waitForTimeout(1000);
        const { tasks, error } = await page.evaluate(() => {
          const w = window as unknown as { __longTasks: Array<{ ms: number }>; __longTasksError?: string };
          return { tasks: w.__longTasks.map((t) => t.ms), error: w.__longTasksError };
        });
        if (error) throw new Error(`no longtask observer: ${error}`);
        const longest = tasks.length ? Math.max(...tasks) : 0;
        const total = tasks.reduce((a, b) => a + b, 0);
        const wall = (performance.now() - t0) / 1000;
        rows.push({
          name: p.name,
          size: p.hash,
          backend: 'chromium',
          medianMs: longest,
          note: `${tasks.length} long tasks (> 50 ms), ${total.toFixed(0)} ms in them; longest in the ms column; run ${status} in ${wall.toFixed(1)} s; load ${load0.toFixed(1)}→${loadavg()[0].toFixed(1)} on ${cores} cores`,
        });
        console.error(`ui: ${p.name}: ${tasks.length} long, longest ${longest.toFixed(0)} ms, ${status}`);
      } catch (e) {
        rows.push({
          name: `${p.name} (failed)`,
          size: p.hash,
          backend: 'chromium',
          medianMs: Number.NaN,
          note: `status ${status}: ${(e as Error).message.split('\n')[0]}`,
        });
      } finally {
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid);
  }
  return rows;
}
