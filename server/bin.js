#!/usr/bin/env node
// The `earshot` executable. The code base is TypeScript run through tsx, so the
// same sources serve `npm start`, `npx earshot` and the tests without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
