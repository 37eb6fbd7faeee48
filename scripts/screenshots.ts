/**
 * Regenerates the gallery: a 1280 × 720 screenshot (what a projector shows) of every preset, written to
 * docs/gallery/<id>.jpg, an index docs/gallery/README.md, and the list between the gallery markers of the
 * top-level README. `npm run build && npm run screenshots`.
 *
 * It serves dist/ itself (vite preview on SPARSELAB_PORT, default 4180) unless SPARSELAB_URL points at a
 * running copy. SAE presets train on the CPU backend, as in the preset tests (bit-reproducible, and faster
 * than a software GPU). `--only <id>` regenerates one preset; `--thumbnails` also rewrites the landing page's
 * preset thumbnails (public/presets/<id>.jpg: the views at half size) from the same page.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { PRESETS } from '../app/content/presets';
import { chromiumLaunchOptions } from '../test/chromium';

const OUT = 'docs/gallery';
const START = '<!-- gallery:start -->';
const END = '<!-- gallery:end -->';

async function waitFor(url: string, ms: number, gone: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (gone()) throw new Error('the preview server exited (see its message above)');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no server answered at ${url}`);
}

export async function main(args: string[] = []): Promise<number> {
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const thumbnails = args.includes('--thumbnails');
  const unknown = args.filter(
    (a, i) => a !== '--only' && a !== '--thumbnails' && (onlyAt < 0 || i !== onlyAt + 1),
  );
  if (unknown.length || (onlyAt >= 0 && !only)) {
    console.error(
      `usage: npm run screenshots [-- --only <preset id>] [--thumbnails]; not understood: ${unknown.join(' ')}`,
    );
    return 2;
  }
  const presets = only ? PRESETS.filter((p) => p.id === only) : PRESETS;
  if (!presets.length) {
    console.error(`no preset with id "${only}"`);
    return 2;
  }
  if (!existsSync('dist/index.html')) {
    console.error('dist/ is missing: run `npm run build` first');
    return 2;
  }
  let server: ChildProcess | null = null;
  let base = process.env.SPARSELAB_URL;
  if (!base) {
    const port = process.env.SPARSELAB_PORT ?? '4180';
    server = spawn(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'preview', '--port', port, '--strictPort', '--bypass-lock'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    base = `http://127.0.0.1:${port}/`;
    let exited = false;
    server.on('exit', () => {
      exited = true;
    });
    await waitFor(base, 60_000, () => exited);
  }
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch(chromiumLaunchOptions());
  let failed = 0;
  try {
    for (const p of presets) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      const t0 = Date.now();
      try {
        await page.goto(`${base}${p.hash}${p.lab === 'sae' ? '&backend=cpu' : ''}`);
        await page.locator('.run-status[data-status="done"]').waitFor({ timeout: 300_000 });
        await page.waitForTimeout(600);
        await page.screenshot({ path: `${OUT}/${p.id}.jpg`, type: 'jpeg', quality: 62 });
        if (thumbnails) {
          // The views at half size, scaled in the page (a canvas), as the landing page's thumbnail.
          const full = await page.locator('section.views').screenshot({ type: 'png' });
          const jpeg = await page.evaluate(async (b64) => {
            const img = new Image();
            img.src = `data:image/png;base64,${b64}`;
            await img.decode();
            const c = document.createElement('canvas');
            c.width = Math.round(img.width / 2);
            c.height = Math.round(img.height / 2);
            c.getContext('2d')?.drawImage(img, 0, 0, c.width, c.height);
            return c.toDataURL('image/jpeg', 0.7).split(',')[1];
          }, full.toString('base64'));
          mkdirSync('public/presets', { recursive: true });
          writeFileSync(`public/presets/${p.id}.jpg`, Buffer.from(jpeg, 'base64'));
        }
        console.log(`${OUT}/${p.id}.jpg (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      } catch (e) {
        failed++;
        console.error(`${p.id}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    server?.kill();
  }
  writeIndex();
  return failed ? 1 : 0;
}

/** docs/gallery/README.md and the README's gallery list, from the presets that have a screenshot. */
function writeIndex(): void {
  const shown = PRESETS.filter((p) => existsSync(`${OUT}/${p.id}.jpg`));
  const labs = [...new Set(shown.map((p) => p.lab))];
  const index = [
    '# Gallery',
    '',
    'Every preset at 1280 × 720, as a projector shows it. Regenerated by `npm run build && npm run screenshots`.',
    '',
    ...labs.flatMap((lab) => [
      `## ${lab}`,
      '',
      ...shown
        .filter((p) => p.lab === lab)
        .flatMap((p) => [`### ${p.title}`, '', `\`${p.hash}\``, '', `![${p.title}](${p.id}.jpg)`, '']),
    ]),
  ].join('\n');
  writeFileSync(`${OUT}/README.md`, index);
  if (!existsSync('README.md')) return;
  const readme = readFileSync('README.md', 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    console.error(`README.md has no ${START} … ${END} markers: its gallery list was not updated`);
    return;
  }
  const list = shown.map((p) => `- [${p.title}](${OUT}/${p.id}.jpg) (${p.lab})`).join('\n');
  writeFileSync('README.md', `${readme.slice(0, a + START.length)}\n${list}\n${readme.slice(b)}`);
}
