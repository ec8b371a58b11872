/** @module Analyst feedback: one disposition of one alert, as clients send it and as the store keeps it. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { boundedInstant, EVENT_TIME } from './bounded-instant.ts';
import { StorableTextSchema } from './decision-record.ts';

/**
 * What an analyst concluded. Which of these count as "true risk" for training is configuration
 * (`labelOf`), not part of the record: a team may decide later that `inconclusive` is negative.
 */
export const DISPOSITIONS = ['true_positive', 'false_positive', 'sar_filed', 'inconclusive'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** The dispositions counted as positive unless configured otherwise. */
export const DEFAULT_POSITIVE_DISPOSITIONS: readonly Disposition[] = ['true_positive', 'sar_filed'];

/** Limits on what one feedback item may carry, so a client cannot bloat the store. */
export const FEEDBACK_LIMITS = { maxText: 256, maxNote: 4_000, maxBatch: 1_000 } as const;

// Storable text (no U+0000, no lone surrogate): what a client sends is what history gives back.
const text = StorableTextSchema.min(1).max(FEEDBACK_LIMITS.maxText);

/** One disposition as clients send it. */
export const FeedbackInputSchema = z.strictObject({
  alertId: text,
  disposition: z.enum(DISPOSITIONS),
  analystId: text,
  /** When the analyst decided (any ISO 8601 offset; stored as UTC milliseconds): 1970 to now + 1 day. */
  decidedAt: boundedInstant(EVENT_TIME),
  note: StorableTextSchema.max(FEEDBACK_LIMITS.maxNote).optional(),
  /** Makes a retried request a no-op even if its content was rebuilt; absent, the content itself is the key. */
  idempotencyKey: text.optional(),
});

export type FeedbackInput = z.input<typeof FeedbackInputSchema>;
export type Feedback = z.output<typeof FeedbackInputSchema>;

/** A feedback row as stored: the input plus what the store learned when it committed it. */
export interface StoredFeedback {
  seq: number;
  alertId: string;
  disposition: Disposition;
  analystId: string;
  decidedAt: string;
  note?: string;
  /** When winnow committed it: the "known at" time of point-in-time features and exports. */
  receivedAt: string;
  /** Whether a decision for the alert was on record when it arrived (false: cannot join yet). */
  matched: boolean;
}

/** What writing one item did. */
export interface FeedbackOutcome {
  alertId: string;
  /** `duplicate`: the same item (same key and content) was already stored; nothing changed. */
  status: 'created' | 'duplicate';
  seq: number;
  matched: boolean;
}

/** Thrown when an idempotency key comes back with different content: the client has a bug, and guessing would lose data. */
export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
  constructor(readonly index: number, readonly idempotencyKey: string) {
    super(`feedback ${index}: idempotencyKey '${idempotencyKey}' was already used for different content`);
  }
}

/** A hash of everything the analyst said; equal items are the same feedback. */
export function feedbackContentHash(f: Feedback): string {
  return createHash('sha256').update(JSON.stringify([f.alertId, f.disposition, f.analystId, f.decidedAt, f.note ?? null])).digest('base64url');
}

/** The unique key of an item: the client's idempotency key, else its content hash (prefixed so the two never collide). */
export function feedbackKey(f: Feedback, contentHash: string): string {
  return f.idempotencyKey === undefined ? `h:${contentHash}` : `k:${f.idempotencyKey}`;
}

/** The current label of an alert from its history: the latest disposition by (decidedAt, seq). */
export function currentFeedback<T extends Pick<StoredFeedback, 'decidedAt' | 'seq'>>(history: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const f of history) {
    if (best === undefined || f.decidedAt > best.decidedAt || (f.decidedAt === best.decidedAt && f.seq > best.seq)) best = f;
  }
  return best;
}

/** 1 when the disposition counts as true risk, 0 otherwise. */
export function labelOf(disposition: string, positive: readonly string[] = DEFAULT_POSITIVE_DISPOSITIONS): 0 | 1 {
  return positive.includes(disposition) ? 1 : 0;
}
