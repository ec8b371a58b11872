/**
 * `npm run test:quick`: the inner loop. Leaves out every test file that needs a service or a child
 * process (PostgreSQL, NATS, Chromium, `winnow serve`/CLI processes), found by what the file uses,
 * so a new slow test is left out without editing a list; and the store suites (test/store) and the
 * hostile-input sweeps (*fuzz*), which run for a minute each. CI runs everything (`npm test`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
/** What marks a test file as needing a service or a process. */
const NEEDS_SERVICE = /createTestDatabase|startServe\(|startConsoleServer\(|launchBrowser\(|spawn\(|runCli\(|@nats-io\/|execFile/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const slow = testFiles(join(ROOT, 'test'))
  .map((f) => relative(ROOT, f))
  .filter((f) => f.startsWith('test/store/') || f.includes('fuzz') || NEEDS_SERVICE.test(readFileSync(join(ROOT, f), 'utf8')));

export default defineConfig({
  ...base,
  test: { ...base.test, exclude: [...configDefaults.exclude, ...slow] },
});
