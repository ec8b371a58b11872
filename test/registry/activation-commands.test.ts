/** @module Promote and rollback through the log: what they record, what they refuse, and that a refusal records nothing. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NothingToRollBackError, promote, rollback } from '../../src/registry/activation-commands.ts';
import type { KyselyActivationLog } from '../../src/store/activation-log.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { breakVersion, modelsWithVersions } from '../helpers/model-versions.ts';

const V1 = { name: 'default', version: '1' };
const V2 = { name: 'default', version: '2' };
let modelsDir: string;
let log: KyselyActivationLog;
let opts: { log: KyselyActivationLog; modelsDir: string; actor: string };

beforeAll(async () => {
  modelsDir = await modelsWithVersions(['1', '2', '3']);
  breakVersion(modelsDir, '3');
  // A copy under another folder name: its manifest still says default/1.
  cpSync(join(modelsDir, 'default', '1'), join(modelsDir, 'default', '4'), { recursive: true });
});

async function freshLog(): Promise<void> {
  log = await openActivationLog(join(mkdtempSync(join(tmpdir(), 'winnow-log-')), 'winnow.db'));
  opts = { log, modelsDir, actor: 'alice' };
}
afterEach(async () => {
  await log.close();
});

describe('promote', () => {
  it('records a promote entry from the current model after checking the bundle loads', async () => {
    await freshLog();
    await log.record({ model: V1, action: 'initial', actor: 'serve' });
    const change = await promote(V2, { ...opts, note: 'retrained' });
    expect(change).toMatchObject({ changed: true, from: V1, entry: { model: V2, from: V1, action: 'promote', actor: 'alice', note: 'retrained' } });
    expect((await log.current())?.model).toEqual(V2);
  });

  it('into an empty log records an entry with no from', async () => {
    await freshLog();
    expect(await promote(V2, opts)).toMatchObject({ changed: true, from: null, entry: { model: V2, from: null } });
  });

  it('of the model already active records nothing', async () => {
    await freshLog();
    await promote(V2, opts);
    expect(await promote(V2, opts)).toMatchObject({ changed: false, from: V2 });
    expect(await log.history(10)).toHaveLength(1);
  });

  // The expected errors are functions: it.each reads its table before beforeAll makes the folder.
  it.each([
    ['a bundle not in the models folder', '9', (dir: string) => ({ name: 'UnknownModelError', message: `no bundle default/9 in ${dir} (have default/1, default/2, default/3, default/4)` })],
    ['a bundle that fails to load', '3', () => ({ message: expect.stringMatching(/^default\/3 cannot be promoted: it fails to load or probe: .*model\.onnx: sha256 mismatch/) })],
    ['a bundle whose manifest names another version', '4', () => ({ message: expect.stringMatching(/^default\/4 cannot be promoted: .*manifest\.json names default\/1, not default\/4/) })],
  ])('refuses %s and records nothing', async (_what, version, error) => {
    await freshLog();
    await log.record({ model: V1, action: 'initial', actor: 'serve' });
    await expect(promote({ name: 'default', version }, opts)).rejects.toMatchObject(error(modelsDir));
    expect(await log.history(10)).toHaveLength(1);
  });
});

describe('rollback', () => {
  it('returns to the from of the latest entry; a second rollback undoes the first', async () => {
    await freshLog();
    await log.record({ model: V1, action: 'initial', actor: 'serve' });
    await promote(V2, opts);
    const back = await rollback({ ...opts, note: 'FP rate up' });
    expect(back).toMatchObject({ changed: true, from: V2, entry: { model: V1, from: V2, action: 'rollback', actor: 'alice', note: 'FP rate up' } });
    const again = await rollback(opts);
    expect(again.entry).toMatchObject({ model: V2, from: V1, action: 'rollback' });
    expect((await log.history(10)).map((e) => `${e.action}:${e.model.version}`)).toEqual(['rollback:2', 'rollback:1', 'promote:2', 'initial:1']);
  });

  it('on an empty log says there is nothing to roll back to', async () => {
    await freshLog();
    await expect(rollback(opts)).rejects.toThrow(
      new NothingToRollBackError('nothing to roll back to: the activation log is empty (no replica has served from this store yet)'),
    );
  });

  it('after only the initial entry names it as the first entry', async () => {
    await freshLog();
    const first = await log.record({ model: V1, action: 'initial', actor: 'serve@h:1' });
    await expect(rollback(opts)).rejects.toMatchObject({
      name: 'NothingToRollBackError',
      message: `nothing to roll back to: default/1 is the first entry of the activation log (#${first.seq}, initial by serve@h:1 at ${first.activatedAt})`,
    });
  });

  it('refuses to go back to a bundle that no longer loads, and records nothing', async () => {
    await freshLog();
    await log.record({ model: { name: 'default', version: '3' }, action: 'initial', actor: 'serve' });
    await log.record({ model: V1, action: 'activate', actor: 'api' });
    await expect(rollback(opts)).rejects.toThrow(/^default\/3 cannot be rolled back to: it fails to load or probe: .*sha256 mismatch/);
    expect(await log.history(10)).toHaveLength(2);
  });
});
