#!/usr/bin/env node
// `npx sparselab run '<share URL | query | spec.json>' [--backend webgpu|cpu] [--data NAME=path] [--out DIR]`
import './register.mjs';

const { main } = await import('../cli/main.ts');
process.exit(await main(process.argv.slice(2)));
