/** @module `winnow consume` as a real child process against the real NATS server, and a unique stream per test. */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

const BIN = fileURLToPath(new URL('../../bin/winnow.mjs', import.meta.url));
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const NATS_URL = 'nats://127.0.0.1:4222';

/** Stream and subjects no other test (or run) uses. */
export function uniqueTopology() {
  const tag = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return {
    stream: `WINNOW_TEST_${tag.toUpperCase()}`, subject: `winnow-test.${tag}.alerts`,
    results: `winnow-test.${tag}.results`, deadLetter: `winnow-test.${tag}.dead-letter`,
  };
}
export type Topology = ReturnType<typeof uniqueTopology>;

export interface ConsumeProcess {
  child: ChildProcess;
  /** stderr so far (pino JSON lines). */
  log(): string;
  metricsUrl: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Start `winnow consume` on `t` and resolve once it consumes (its "winnow consuming" line). */
export async function startConsume(t: Topology, dataDir: string, extra: string[] = []): Promise<ConsumeProcess> {
  const child = spawn(process.execPath, [
    BIN, 'consume', '--server', NATS_URL, '--stream', t.stream, '--subject', t.subject, '--results-subject', t.results,
    '--dead-letter-subject', t.deadLetter, '--data-dir', dataDir, '--models', `${REPO}/models`, '--metrics-port', '0', ...extra,
  ], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const metricsUrl = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /"metrics":"(http:\/\/[^"]+)"/.exec(log);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`consume exited early (${code}): ${log}`)));
  });
  return { child, log: () => log, metricsUrl, exited };
}

export async function natsConnection(): Promise<NatsConnection> {
  return connect({ servers: NATS_URL });
}

/** The durable consumer's counts: messages not yet delivered, and delivered but not acked. */
export async function consumerCounts(nc: NatsConnection, t: Topology, durable = 'winnow') {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.consumers.info(t.stream, durable);
  return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
}

export async function deleteStream(nc: NatsConnection, t: Topology): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(t.stream).catch(() => {});
}

export async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
