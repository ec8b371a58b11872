#!/usr/bin/env node
// The `winnow` command. Runs the TypeScript sources directly through tsx, so `npx winnow`
// works right after `npm install` with no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// winnow's own tsconfig, wherever the command is run from: the console's pages are JSX compiled
// for Hono (jsxImportSource), which tsx would otherwise look up in the current directory.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
