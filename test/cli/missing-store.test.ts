/** A mistyped --data-dir is refused by every command that reads a store, instead of creating an empty one. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

afterEach(() => vi.restoreAllMocks());

describe('commands that read a store', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'winnow-missing-')), 'typo');
  it.each([
    ['export', ['export', '--data-dir', dir, '--out', join(dir, '..', 'x.csv')]],
    ['drift', ['drift', '--data-dir', dir]],
    ['retrain', ['retrain', '--data-dir', dir, '--active', 'default/1', '--out', join(dir, '..', 'm')]],
    ['experiment report', ['experiment', 'report', 'e1', '--data-dir', dir]],
    ['experiment list', ['experiment', 'list', '--data-dir', dir]],
    ['promote', ['promote', 'default', '1', '--data-dir', dir]],
    ['rollback', ['rollback', '--data-dir', dir]],
  ])('%s refuses a store that does not exist, and creates none', async (_name, argv) => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a.join(' ')));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(argv)).toBe(1);
    expect(errors.join('\n')).toContain(`no store at ${join(dir, 'winnow.db')}: give the --data-dir (or --database) that 'winnow serve' used`);
    expect(existsSync(dir)).toBe(false);
  });
});
