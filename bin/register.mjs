// Lets Node run the project's TypeScript directly: tsx for .ts, our hook for `?raw` WGSL imports.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./hooks.mjs', import.meta.url);
