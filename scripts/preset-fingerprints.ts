/**
 * Writes test/fixtures/preset-fingerprints.json: every preset run on the CPU backend, reduced to fingerprints
 * (test/preset-fingerprint.ts). Run it only when a change of a preset's numbers is intended, and say so in the
 * commit; test/preset-numbers.test.ts fails on any difference. Usage: node bin/run-ts.mjs scripts/preset-fingerprints.ts [id-regex]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { type Fingerprint, PRESET_HASHES, presetFingerprint } from '../test/preset-fingerprint';

const FILE = 'test/fixtures/preset-fingerprints.json';
export async function main(args: string[]): Promise<number> {
  const only = args[0] ? new RegExp(args[0]) : null;
  let table: Record<string, Fingerprint & { hash: string }> = {};
  try {
    table = JSON.parse(await readFile(FILE, 'utf8'));
  } catch {
    table = {};
  }
  for (const p of PRESET_HASHES) {
    if (only && !only.test(p.id)) continue;
    const t0 = performance.now();
    table[p.id] = { hash: p.hash, ...(await presetFingerprint(p.hash)) };
    console.error(`${p.id}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const known = new Set(PRESET_HASHES.map((p) => p.id));
  for (const id of Object.keys(table)) if (!known.has(id)) delete table[id];
  await writeFile(FILE, `${JSON.stringify(table, null, 1)}\n`);
  console.error(`wrote ${FILE} (${Object.keys(table).length} presets)`);
  return 0;
}
