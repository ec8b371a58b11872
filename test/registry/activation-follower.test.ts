/** @module Replicas follow the activation log: which model a replica starts on, how it follows, and how it fails. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivationFollower, followActivations, type FollowOptions, type Following } from '../../src/registry/activation-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import type { ActivationEntry, KyselyActivationLog } from '../../src/store/activation-log.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { addVersion, breakVersion, modelsWithVersions } from '../helpers/model-versions.ts';

const V1 = { name: 'default', version: '1' };
const V2 = { name: 'default', version: '2' };
const V3 = { name: 'default', version: '3' };

/** A logger that keeps every line, for assertions. */
function recordingLogger() {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

let modelsDir: string;
let log: KyselyActivationLog;
let logger: ReturnType<typeof recordingLogger>;
let running: Following[] = [];

beforeEach(async () => {
  modelsDir = await modelsWithVersions(['1', '2']);
  log = await openActivationLog(join(mkdtempSync(join(tmpdir(), 'winnow-log-')), 'winnow.db'));
  logger = recordingLogger();
});
afterEach(async () => {
  for (const { follower, registry } of running) {
    await follower.stop();
    await registry.close();
  }
  running = [];
  await log.close();
});

/** Start a replica with a long interval: tests drive it with poll(). */
async function replica(o: Partial<FollowOptions> = {}): Promise<Following> {
  const following = await followActivations({ modelsDir, log, logger, intervalMs: 60_000, actor: 'serve@test:1', ...o });
  running.push(following);
  return following;
}

const active = ({ registry }: Following) => `${registry.active.name}/${registry.active.version}`;

describe('starting a replica', () => {
  it('on an empty log serves the latest default and records it as the initial entry', async () => {
    const r = await replica();
    expect(active(r)).toBe('default/2');
    expect(await log.history(10)).toMatchObject([{ model: V2, from: null, action: 'initial', actor: 'serve@test:1' }]);
  });

  it('serves what the log names, over the latest version', async () => {
    await log.record({ model: V1, action: 'promote', actor: 'alice' });
    const r = await replica();
    expect(active(r)).toBe('default/1');
    expect(await log.history(10)).toHaveLength(1);
  });

  it('with --model serves the pinned bundle, warns, and follows only the next change', async () => {
    await log.record({ model: V1, action: 'promote', actor: 'alice' });
    const r = await replica({ pinned: 'default/2' });
    expect(active(r)).toBe('default/2');
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/^--model default\/2 overrides the activation log, which names default\/1, promote by alice at .*; this replica follows the next promote or rollback$/) }));
    await r.follower.poll();
    expect(active(r)).toBe('default/2');
    await addVersion(modelsDir, '3');
    await log.record({ model: V3, action: 'promote', actor: 'alice' });
    await r.follower.poll();
    expect(active(r)).toBe('default/3');
  });

  it('starts on the default model, in a fallback it reports, when the bundle the log names cannot be served', async () => {
    // More cases (walking back, tampered bundles, /readyz and /metrics): activation-fallback.test.ts.
    await log.record({ model: { name: 'default', version: '7' }, action: 'promote', actor: 'alice' });
    const r = await replica();
    expect(active(r)).toBe('default/2');
    expect(r.follower.fallback).toMatchObject({ wanted: { name: 'default', version: '7' }, wantedSeq: 1, serving: V2, servingSeq: null, reason: expect.stringMatching(/no bundle default\/7/) });
  });

  it('two replicas starting together on an empty log record one initial entry and agree on it', async () => {
    const [a, b] = await Promise.all([replica(), replica({ pinned: 'default/1' })]);
    const entries = await log.history(10);
    expect(entries).toHaveLength(1);
    await Promise.all([a.follower.poll(), b.follower.poll()]);
    const winner = `${entries[0].model.name}/${entries[0].model.version}`;
    // The unpinned one follows whichever initial entry won; the pinned one keeps its pin.
    expect(active(a)).toBe(winner);
    expect(active(b)).toBe('default/1');
  });
});

describe('following the log', () => {
  it('swaps to a newly promoted bundle at the next poll and logs from → to', async () => {
    const r = await replica({ pinned: 'default/1' });
    await log.record({ model: V2, action: 'promote', actor: 'alice' });
    await r.follower.poll();
    expect(active(r)).toBe('default/2');
    expect(logger.lines).toContainEqual({ level: 'info', msg: 'followed the activation log', obj: { from: 'default/1', to: 'default/2', seq: 2, action: 'promote', actor: 'alice' } });
  });

  it('keeps serving on a bundle that fails to load, reports attempts 1, 2, 4…, and swaps once it is fixed', async () => {
    const r = await replica({ pinned: 'default/1' });
    await addVersion(modelsDir, '3');
    breakVersion(modelsDir, '3');
    await log.record({ model: V3, action: 'promote', actor: 'alice' });
    for (let i = 0; i < 4; i++) await r.follower.poll();
    expect(active(r)).toBe('default/1');
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors.map((e) => (e.obj as { attempt: number }).attempt)).toEqual([1, 2, 4]);
    expect(errors[0].msg).toBe('cannot activate default/3 (#2 in the activation log); still serving default/1, retrying every 60000 ms');
    expect((errors[0].obj as { err: string }).err).toMatch(/sha256 mismatch/);
    await addVersion(modelsDir, '3');
    await r.follower.poll();
    expect(active(r)).toBe('default/3');
  });

  it('keeps serving while the log is unreachable, logging the outage once', async () => {
    const registry = await ModelRegistry.open(modelsDir, 'default/1');
    let down = true;
    const flaky = { current: async (): Promise<ActivationEntry | undefined> => { if (down) throw new Error('connection refused'); return log.current(); } };
    const follower = new ActivationFollower(registry, flaky, { intervalMs: 60_000, logger });
    running.push({ registry, follower });
    await follower.poll();
    await follower.poll();
    expect(registry.active.version).toBe('1');
    expect(logger.lines).toEqual([{ level: 'error', msg: 'activation log unreachable; still serving default/1', obj: { err: 'connection refused' } }]);
    down = false;
    await log.record({ model: V2, action: 'promote', actor: 'alice' });
    await follower.poll();
    expect(registry.active.version).toBe('2');
    expect(logger.lines.map((l) => l.msg)).toContain('activation log reachable again');
  });

  it('polls on its own every interval and stops polling when stopped', async () => {
    const registry = await ModelRegistry.open(modelsDir, 'default/1');
    let polls = 0;
    const counting = { current: async () => { polls++; return undefined; } };
    const follower = new ActivationFollower(registry, counting, { intervalMs: 20, logger });
    running.push({ registry, follower });
    follower.start();
    const deadline = Date.now() + 5_000;
    while (polls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(polls).toBeGreaterThanOrEqual(3);
    await follower.stop();
    const after = polls;
    await new Promise((r) => setTimeout(r, 100));
    expect(polls).toBe(after);
  });
});
