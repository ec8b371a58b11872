#!/usr/bin/env node
// The `winnow` command. Runs the TypeScript sources directly through tsx, so `npx winnow`
// works right after `npm install` with no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// winnow's own tsconfig, wherever the command is run from: the console's pages are JSX compiled
// for Hono (jsxImportSource), which tsx would otherwise look up in the current directory.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });

// `npx winnow serve &` runs winnow under `npm exec` and a `sh -c`; `kill %1` stops npm and the
// shell but nothing passes the signal on, so winnow would keep serving, orphaned, with nobody
// able to stop it by job number. A winnow whose parent is gone stops as on SIGTERM (gracefully:
// requests finish, records flush). Once: a second SIGTERM would mean "stop now".
const parent = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanWatch);
  process.kill(process.pid, 'SIGTERM');
}, 500);
orphanWatch.unref();

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
