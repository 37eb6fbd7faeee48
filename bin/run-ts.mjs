#!/usr/bin/env node
// Runs a TypeScript entry (benchmarks, scripts) with the same loader as the CLI: `node bin/run-ts.mjs file.ts [args]`.
import { pathToFileURL } from 'node:url';
import './register.mjs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bin/run-ts.mjs <file.ts> [args]');
  process.exit(2);
}
const mod = await import(pathToFileURL(file).href);
const code = typeof mod.main === 'function' ? await mod.main(rest) : 0;
process.exit(typeof code === 'number' ? code : 0);
