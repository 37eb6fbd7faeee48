#!/usr/bin/env node
// `npx sparselab run '<share URL | query | spec.json>' [--backend webgpu|cpu] [--data NAME=path] [--out DIR]`
import './register.mjs';

// One line on stderr and exit 1 for anything that escapes main(): never a stack trace.
const fail = (e) => {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`sparselab: ${msg.split('\n')[0]}\n`);
  process.exit(1);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

try {
  const { main } = await import('../cli/main.ts');
  process.exit(await main(process.argv.slice(2)));
} catch (e) {
  fail(e);
}
