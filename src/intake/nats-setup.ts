/**
 * @module The JetStream objects `winnow consume` works on: the alerts stream (created when absent),
 * the durable pull consumer the processes share, and how results are published (through JetStream,
 * awaiting the store's ack, when a stream captures their subject; otherwise core NATS).
 * Server 2.9 or later: nothing here uses the 2.10+ consumer features (multiple filter subjects,
 * metadata), so the server NATS 2.9.10 of this project's CI works with the 3.x client.
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager, JetStreamApiError } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { Publish } from './jetstream-intake.ts';

const NANOS_PER_MS = 1_000_000;

/** JetStream's "not found" answers (stream 10059, consumer 10014). */
function notFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === 10059 || err.code === 10014 || err.status === 404);
}

export interface IntakeTopology {
  stream: string;
  subject: string;
  durable: string;
  ackWaitMs: number;
  maxAckPending: number;
}

/** The stream (created over `subject` when it does not exist) and the durable consumer (created when absent). */
export async function ensureIntake(nc: NatsConnection, t: IntakeTopology): Promise<{ js: JetStreamClient; jsm: JetStreamManager; created: string[] }> {
  const { js, jsm, created } = await ensureStream(nc, t.stream, t.subject);
  try {
    await jsm.consumers.info(t.stream, t.durable);
  } catch (err) {
    if (!notFound(err)) throw err;
    // Another process may create it at the same moment: the same config is accepted twice.
    await jsm.consumers.add(t.stream, {
      durable_name: t.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: t.subject,
      ack_wait: t.ackWaitMs * NANOS_PER_MS, max_ack_pending: t.maxAckPending,
    });
    created.push(`consumer ${t.durable}`);
  }
  return { js, jsm, created };
}

/** The stream, created over `subject` (file storage, the server's default limits) when it does not exist. */
export async function ensureStream(nc: NatsConnection, stream: string, subject: string): Promise<{ js: JetStreamClient; jsm: JetStreamManager; created: string[] }> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const created: string[] = [];
  try {
    await jsm.streams.info(stream);
  } catch (err) {
    if (!notFound(err)) throw err;
    await jsm.streams.add({ name: stream, subjects: [subject] }).catch(alreadyThere);
    created.push(`stream ${stream} (${subject})`);
  }
  return { js, jsm, created };
}

function alreadyThere(err: unknown): void {
  if (!(err instanceof JetStreamApiError && err.code === 10058)) throw err;
}

/**
 * How to publish to `subject`: when a stream captures it, through JetStream (the publish resolves
 * once the stream stored it, and `msgId` lets the stream drop a republished copy); otherwise core
 * NATS, where whoever is subscribed gets it.
 */
export async function publisherFor(nc: NatsConnection, js: JetStreamClient, jsm: JetStreamManager, subject: string): Promise<{ publish: Publish; durable: boolean }> {
  const stream = await jsm.streams.find(subject).catch(() => undefined);
  if (stream) {
    return { durable: true, publish: async (subj: string, data: Uint8Array, headers: MsgHdrs, msgId?: string) => { await js.publish(subj, data, { headers, ...(msgId ? { msgID: msgId } : {}) }); } };
  }
  return { durable: false, publish: async (subj: string, data: Uint8Array, headers: MsgHdrs) => { nc.publish(subj, data, { headers }); } };
}
