/**
 * Regenerates the preset thumbnails (public/presets/<id>.jpg) by opening each preset in headless
 * Chromium against the built site and photographing its views. `npm run build && npm run thumbnails`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { PRESETS } from '../app/content/presets';

export async function main(): Promise<number> {
  const base = process.env.SPARSELAB_URL ?? 'http://localhost:4173/';
  mkdirSync('public/presets', { recursive: true });
  const browser = await chromium.launch({
    executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
    args: [
      '--enable-unsafe-webgpu',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  for (const p of PRESETS) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 0.5 });
    await page.goto(`${base}${p.hash}${p.lab === 'sae' ? '&backend=cpu' : ''}`);
    await page.locator('.run-status[data-status="done"]').waitFor({ timeout: 240_000 });
    await page.waitForTimeout(500);
    await page
      .locator('section.views')
      .screenshot({ path: `public/presets/${p.id}.jpg`, type: 'jpeg', quality: 70 });
    console.log(`${p.id}.jpg`);
    await page.close();
  }
  await browser.close();
  return 0;
}
