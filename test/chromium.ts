/**
 * How SparseLab launches Chromium everywhere (Playwright tests, `bench -- --only ui`, `--browser`, screenshots):
 * Debian's Chromium (with SwiftShader for WebGPU on machines without a GPU) when it is installed, otherwise
 * Playwright's own browser (`npx playwright install chromium`); SPARSELAB_CHROMIUM overrides. One list of flags.
 */
import { existsSync } from 'node:fs';

export const chromiumExecutable: string | undefined =
  process.env.SPARSELAB_CHROMIUM || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export const CHROMIUM_ARGS: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumLaunchOptions(): { executablePath: string | undefined; args: string[] } {
  return { executablePath: chromiumExecutable, args: [...CHROMIUM_ARGS] };
}
