/**
 * "A 2xx from POST /v1/score means the alerts' decision records are committed" (DESIGN.md rule 5),
 * tested against the real process. Each round: several keep-alive client streams POST a mix of
 * single alerts and batches of 20 to /v1/score, plus feedback for alerts already acknowledged;
 * `winnow serve` is SIGKILLed at a seeded random moment while requests are in flight; a restarted
 * serve on the same store must then answer GET /v1/decisions/{id} for every alert whose score
 * request got a 2xx, with the decision and score that were answered, and GET /v1/feedback/{id}
 * for every acknowledged feedback item. Requests in flight at the kill may or may not have landed.
 *
 * Like test/http/feedback-durability.test.ts, SIGKILL catches acknowledgements given before the
 * transaction returned (records written behind the response, acks from memory); it cannot tell
 * fsync from no fsync, since the page cache survives a killed process.
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DISPOSITIONS } from '../../src/store/feedback-record.ts';
import { Random } from '../../src/synth/random.ts';
import { CONNECTION_ERRORS, mapConcurrent, requestJson, SERVE_STORES } from '../helpers/kill-test.ts';
import { exited, REPO_ROOT, type ServeProcess, startServe } from '../helpers/serve-process.ts';

/** Kill-and-restart rounds per store. */
const ROUNDS = 5;
/** Concurrent client streams, one keep-alive connection each. */
const STREAMS = 5;
/** Alerts in a batched score request. */
const BATCH = 20;
/** Items in a batched feedback request. */
const FEEDBACK_BATCH = 5;
/**
 * The kill comes once this many decisions (uniform, seeded) were acknowledged, plus a seeded
 * delay of KILL_JITTER_MS so that it does not always land right after a response: by count rather
 * than by time, so every round sees hundreds of acknowledged decisions however slow the machine.
 */
const KILL_AFTER_DECISIONS = [300, 1_800] as const;
const KILL_JITTER_MS = [0, 40] as const;
/** Give up on a round (and fail) if the kill did not come by then. */
const ROUND_DEADLINE_MS = 30_000;
/** GETs at once when reading records back. */
const READ_CONCURRENCY = 8;
const SEED = 'record-durability';

interface Alert { id: string; ruleId: string; entityId?: string; segment?: string; attributes: Record<string, number | boolean> }
interface FeedbackItem { alertId: string; disposition: string; analystId: string; decidedAt: string; idempotencyKey: string }
interface ScoreAnswer { id: string; score: number | null; decision: string; band: string }

interface SentRequest {
  kind: 'score' | 'feedback';
  alerts: Alert[];
  feedback: FeedbackItem[];
  state: 'pending' | 'acked' | 'rejected' | 'failed';
  /** Still waiting for its response when the kill signal was sent. */
  inFlightAtKill: boolean;
  status?: number;
  error?: string;
  /** Score: what was answered, by alert id. */
  answers?: Map<string, ScoreAnswer>;
  /** Feedback: the seq of each item, from the 2xx response. */
  seqs?: number[];
}

interface RoundTraffic { requests: SentRequest[]; killReason: string; killAfter: number; killJitterMs: number; killedAtMs: number }

const children = new Set<ChildProcess>();

/**
 * `winnow serve` on the store, in its default record mode whatever this shell's WINNOW_RECORD says
 * (a 2xx means committed there; with `--record async` every round of this test loses decisions).
 */
async function startServer(storeArgs: string[]): Promise<ServeProcess> {
  const server = await startServe(['--models', join(REPO_ROOT, 'models'), ...storeArgs], { env: { WINNOW_RECORD: undefined } });
  children.add(server.child);
  server.child.once('exit', () => children.delete(server.child));
  return server;
}

/** An alert id; every ninth one carries characters that must be percent-encoded in a path. */
function alertId(round: number, stream: number, n: number): string {
  return `r${round}-s${stream}-${n}${n % 9 === 4 ? ' a/b#c?d%e&f+ü' : ''}`;
}

function makeAlert(id: string, n: number, rng: Random): Alert {
  return {
    id,
    ruleId: 'tm_structuring',
    ...(n % 3 === 0 ? { entityId: `ent-${rng.int(40)}` } : {}),
    ...(n % 4 === 1 ? { segment: 'retail' } : {}),
    attributes: {
      amount_usd: Math.round(rng.uniform(500, 15_000) * 100) / 100,
      txn_count_24h: rng.int(30),
      account_age_days: rng.int(2_000),
      ...(n % 2 === 0 ? { vpn_detected: rng.bool(0.2) } : {}),
    },
  };
}

/**
 * Runs STREAMS request loops against `server` and SIGKILLs it at a seeded random moment (see
 * KILL_AFTER_DECISIONS); resolves once the process is gone and every stream has stopped.
 */
async function trafficAndKill(server: ServeProcess, round: number, rng: Random): Promise<RoundTraffic> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: STREAMS });
  const requests: SentRequest[] = [];
  /** Acknowledged alert ids that have no feedback yet. */
  const feedbackPool: string[] = [];
  const killAfter = KILL_AFTER_DECISIONS[0] + rng.int(KILL_AFTER_DECISIONS[1] - KILL_AFTER_DECISIONS[0] + 1);
  const killJitterMs = KILL_JITTER_MS[0] + rng.int(KILL_JITTER_MS[1] - KILL_JITTER_MS[0] + 1);
  let ackedDecisions = 0;
  const t0 = Date.now();
  let killed = false;
  let killReason = '';
  let killedAtMs = -1;
  let killTimer: NodeJS.Timeout | undefined;
  const kill = (reason: string) => {
    if (killed) return;
    killed = true;
    killReason = reason;
    killedAtMs = Date.now() - t0;
    for (const r of requests) if (r.state === 'pending') r.inFlightAtKill = true;
    server.child.kill('SIGKILL');
  };
  const deadline = setTimeout(() => kill(`only ${ackedDecisions} of ${killAfter} decisions acknowledged within ${ROUND_DEADLINE_MS} ms`), ROUND_DEADLINE_MS);
  const acknowledged = (decisions: number) => {
    ackedDecisions += decisions;
    if (ackedDecisions >= killAfter && killTimer === undefined && !killed) {
      clearTimeout(deadline);
      killTimer = setTimeout(() => kill('planned'), killJitterMs);
    }
  };

  const stream = async (s: number) => {
    const srng = rng.fork(`stream-${s}`);
    let n = 0;
    while (!killed) {
      const pick = srng.float();
      let sent: SentRequest;
      let body: unknown;
      if (pick < 0.2 && feedbackPool.length > 0) {
        const size = srng.bool(0.5) ? 1 : Math.min(FEEDBACK_BATCH, feedbackPool.length);
        const feedback = Array.from({ length: size }, (): FeedbackItem => {
          const i = srng.int(feedbackPool.length);
          const id = feedbackPool[i];
          feedbackPool[i] = feedbackPool[feedbackPool.length - 1];
          feedbackPool.pop();
          return {
            alertId: id,
            disposition: DISPOSITIONS[srng.int(DISPOSITIONS.length)],
            analystId: `analyst-${s}`,
            decidedAt: new Date(Date.UTC(2025, 4, 1) + srng.int(86_400) * 1_000).toISOString(),
            idempotencyKey: `fb-${id}`,
          };
        });
        sent = { kind: 'feedback', alerts: [], feedback, state: 'pending', inFlightAtKill: false };
        body = size === 1 ? feedback[0] : { items: feedback };
      } else {
        const size = pick < 0.6 ? 1 : BATCH;
        const alerts = Array.from({ length: size }, () => {
          const k = n++;
          return makeAlert(alertId(round, s, k), k, srng);
        });
        sent = { kind: 'score', alerts, feedback: [], state: 'pending', inFlightAtKill: false };
        body = { alerts };
      }
      requests.push(sent);
      try {
        const res = await requestJson(agent, 'POST', `${server.url}/v1/${sent.kind}`, body);
        sent.status = res.status;
        if (res.status < 200 || res.status >= 300) {
          sent.state = 'rejected';
          sent.error = res.text;
          continue;
        }
        if (sent.kind === 'score') {
          const { results } = JSON.parse(res.text) as { results: ScoreAnswer[] };
          sent.answers = new Map(results.map((r) => [r.id, { id: r.id, score: r.score, decision: r.decision, band: r.band }]));
          if (!sent.alerts.every((a) => sent.answers!.has(a.id))) {
            sent.state = 'rejected';
            sent.error = `2xx without a result for every alert: ${res.text.slice(0, 300)}`;
            continue;
          }
          // Only now may feedback refer to these alerts.
          if (!killed) feedbackPool.push(...sent.alerts.map((a) => a.id));
        } else {
          const parsed = JSON.parse(res.text) as { seq: number } | { results: { seq: number }[] };
          sent.seqs = 'results' in parsed ? parsed.results.map((x) => x.seq) : [parsed.seq];
        }
        sent.state = 'acked';
        acknowledged(sent.alerts.length);
      } catch (err) {
        sent.state = 'failed';
        sent.error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        // Before the kill a failed request is a failure of the test; after it, the stream ends.
        if (!killed) kill(`request failed before the kill: ${sent.error}`);
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: STREAMS }, (_, s) => stream(s)));
  clearTimeout(deadline);
  clearTimeout(killTimer);
  agent.destroy();
  await exited(server.child);
  return { requests, killReason, killAfter, killJitterMs, killedAtMs };
}

/** GET a record by alert id: its JSON body, null when the server says 404, an error otherwise. */
async function getRecord<T>(agent: http.Agent, url: string, route: 'decisions' | 'feedback', id: string): Promise<T | null> {
  const res = await requestJson(agent, 'GET', `${url}/v1/${route}/${encodeURIComponent(id)}`);
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`GET /v1/${route}/${encodeURIComponent(id)} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text) as T;
}

interface RoundCheck {
  ackedDecisions: number;
  ackedFeedback: number;
  missingDecisions: string[];
  missingFeedback: string[];
  /** Found, but not as answered. */
  differing: string[];
  /** Alerts of score requests that got no answer, and how many of them were recorded anyway. */
  unackedAlerts: number;
  unackedAlertsStored: number;
}

/** Reads every acknowledged record (and the unacknowledged alerts, for the report) back through `server`. */
async function checkRound(server: ServeProcess, requests: SentRequest[]): Promise<RoundCheck> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: READ_CONCURRENCY });
  try {
    const acked = requests.filter((r) => r.state === 'acked');
    const decisions = acked.filter((r) => r.kind === 'score').flatMap((r) => r.alerts.map((a) => r.answers!.get(a.id)!));
    const feedback = acked.filter((r) => r.kind === 'feedback').flatMap((r) => r.feedback.map((f, i) => ({ ...f, seq: r.seqs![i] })));
    const unacked = requests.filter((r) => r.kind === 'score' && r.state !== 'acked').flatMap((r) => r.alerts.map((a) => a.id));

    const missingDecisions: string[] = [];
    const missingFeedback: string[] = [];
    const differing: string[] = [];
    await mapConcurrent(decisions, READ_CONCURRENCY, async (answer) => {
      const record = await getRecord<{ alertId: string; score: number | null; decision: string; band: string }>(agent, server.url, 'decisions', answer.id);
      if (record === null) return void missingDecisions.push(answer.id);
      const got = { id: record.alertId, score: record.score, decision: record.decision, band: record.band };
      if (JSON.stringify(got) !== JSON.stringify(answer)) differing.push(`decision ${JSON.stringify(got)}, answered ${JSON.stringify(answer)}`);
    });
    await mapConcurrent(feedback, READ_CONCURRENCY, async (item) => {
      const found = await getRecord<{ history: { seq: number; disposition: string; analystId: string; decidedAt: string }[] }>(agent, server.url, 'feedback', item.alertId);
      if (found === null) return void missingFeedback.push(item.alertId);
      const row = found.history.find((h) => h.seq === item.seq);
      if (!row || row.disposition !== item.disposition || row.analystId !== item.analystId || row.decidedAt !== item.decidedAt) {
        differing.push(`feedback for ${item.alertId} (seq ${item.seq}, ${item.disposition}) not in its history ${JSON.stringify(found.history)}`);
      }
    });
    const stored = await mapConcurrent(unacked, READ_CONCURRENCY, async (id) => (await getRecord(agent, server.url, 'decisions', id)) !== null);
    return {
      ackedDecisions: decisions.length, ackedFeedback: feedback.length, missingDecisions, missingFeedback, differing,
      unackedAlerts: unacked.length, unackedAlertsStored: stored.filter(Boolean).length,
    };
  } finally {
    agent.destroy();
  }
}

describe.each(SERVE_STORES)('POST /v1/score records survive kill -9 of winnow serve ($name)', (store) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([...children].map(exited));
    for (const cleanup of cleanups) await cleanup();
  });

  it(`keeps every acknowledged decision and feedback item over ${ROUNDS} SIGKILLs at random moments`, async () => {
    const { storeArgs, cleanup } = await store.prepare();
    cleanups.push(cleanup);
    const started = Date.now();
    const lines: string[] = [];
    const totals = { ackedDecisions: 0, ackedFeedback: 0, missingDecisions: 0, missingFeedback: 0, differing: 0 };
    const examples: string[] = [];
    let server = await startServer(storeArgs);
    for (let round = 0; round < ROUNDS; round++) {
      const rng = new Random(`${SEED}:${store.name}:${round}`);
      const traffic = await trafficAndKill(server, round, rng);
      const { requests } = traffic;

      // The round ran as planned: the seeded plan killed the process, nothing was refused, and
      // requests were on the wire at the kill (those that failed, failed with a connection error).
      expect(traffic.killReason, `round ${round}; server log:\n${server.stderr()}`).toBe('planned');
      expect(server.child.signalCode).toBe('SIGKILL');
      expect(requests.filter((r) => r.state === 'rejected').map((r) => `${r.status} ${r.error}`), `round ${round}`).toEqual([]);
      const failed = requests.filter((r) => r.state === 'failed');
      expect(failed.filter((r) => !r.inFlightAtKill || !CONNECTION_ERRORS.has(r.error!)).map((r) => r.error), `round ${round}: unexpected failures`).toEqual([]);
      const inFlight = requests.filter((r) => r.inFlightAtKill);
      expect(inFlight.length, `round ${round}: no request was in flight when the server was killed`).toBeGreaterThan(0);

      server = await startServer(storeArgs);
      const check = await checkRound(server, requests);
      expect(check.ackedDecisions, `round ${round}: no score request was acknowledged`).toBeGreaterThan(0);

      totals.ackedDecisions += check.ackedDecisions;
      totals.ackedFeedback += check.ackedFeedback;
      totals.missingDecisions += check.missingDecisions.length;
      totals.missingFeedback += check.missingFeedback.length;
      totals.differing += check.differing.length;
      examples.push(...check.missingDecisions.slice(0, 3).map((id) => `decision ${JSON.stringify(id)}`), ...check.missingFeedback.slice(0, 3).map((id) => `feedback ${JSON.stringify(id)}`), ...check.differing.slice(0, 3));
      const line =
        `round ${round}: SIGKILL ${traffic.killJitterMs} ms after ${traffic.killAfter} decisions were acked (${traffic.killedAtMs} ms into the round), ${requests.length} requests over ${STREAMS} connections, ` +
        `${inFlight.length} in flight at the kill (${failed.length} never answered); acked ${check.ackedDecisions} decisions, ${check.ackedFeedback} feedback items; ` +
        `missing ${check.missingDecisions.length} decisions, ${check.missingFeedback.length} feedback items, ${check.differing.length} differing; ` +
        `unacknowledged alerts recorded anyway: ${check.unackedAlertsStored} of ${check.unackedAlerts}`;
      lines.push(line);
      console.log(`[record durability ${store.name}] ${line}`);
    }
    await server.stop();

    const summary =
      `${store.name}, ${ROUNDS} rounds in ${Math.round((Date.now() - started) / 1000)} s: acked ${totals.ackedDecisions} decisions and ${totals.ackedFeedback} feedback items; ` +
      `missing ${totals.missingDecisions} decisions and ${totals.missingFeedback} feedback items, ${totals.differing} differing` +
      (examples.length > 0 ? `; e.g. ${examples.slice(0, 6).join('; ')}` : '') + `\n${lines.join('\n')}`;
    console.log(`[record durability] ${summary}`);
    expect(totals.ackedDecisions, summary).toBeGreaterThanOrEqual(1_000);
    expect(totals.ackedFeedback, summary).toBeGreaterThan(0);
    expect({ missingDecisions: totals.missingDecisions, missingFeedback: totals.missingFeedback, differing: totals.differing }, summary)
      .toEqual({ missingDecisions: 0, missingFeedback: 0, differing: 0 });
  }, 180_000);
});
