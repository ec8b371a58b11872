/**
 * @module Bounds on the instants winnow accepts. Stores and experiments compare ISO text
 * lexically, which orders by time only while `toISOString()` has a four-digit year:
 * `0000-01-01T00:00:00+01:00` is `-000001-12-31T23:00:00.000Z` and sorts before everything,
 * `9999-12-31T23:30:00-01:00` is `+010000-…` and does too. Every schema that takes an instant
 * from a client is built here, with the bound that suits what the instant means.
 */
import { z } from 'zod';

const DAY_MS = 86_400_000;

/** Where an instant may lie, as functions of the current time (ms since 1970, UTC). */
export interface InstantBounds {
  earliest(now: number): number;
  latest(now: number): number;
  /** How the bound reads in an error, e.g. `1970-01-01T00:00:00.000Z to now + 1 day`. */
  describe(now: number): string;
}

/** The first and last instants whose `toISOString()` has a four-digit, non-negative year. */
export const FIRST_COMPARABLE = Date.parse('0000-01-01T00:00:00.000Z');
export const LAST_COMPARABLE = Date.parse('9999-12-31T23:59:59.999Z');
const EPOCH = 0;

/** Anything whose canonical text sorts by time: query filters and CLI --from/--to, and the stored record. */
export const COMPARABLE: InstantBounds = {
  earliest: () => FIRST_COMPARABLE,
  latest: () => LAST_COMPARABLE,
  describe: () => `${iso(FIRST_COMPARABLE)} to ${iso(LAST_COMPARABLE)} in UTC`,
};

/**
 * Something that happened: an alert's event time, an analyst's decision. Not before the Unix
 * epoch, and at most a day ahead (clocks and time zones of senders disagree; more is a bug).
 */
export const EVENT_TIME: InstantBounds = {
  earliest: () => EPOCH,
  latest: (now) => now + DAY_MS,
  describe: (now) => `${iso(EPOCH)} to now + 1 day (${iso(now + DAY_MS)})`,
};

/** A schedule (experiment startAt/stopAt): up to five years ahead; a later date is a typo, and no stopAt means "until stopped". */
export const SCHEDULE_TIME: InstantBounds = {
  earliest: () => EPOCH,
  latest: (now) => now + 5 * 365 * DAY_MS,
  describe: (now) => `${iso(EPOCH)} to now + 5 years (${iso(now + 5 * 365 * DAY_MS)})`,
};

/** Why a valid ISO instant is out of `bounds` (evaluated at `now`), or undefined when it is within them. */
export function instantBoundsProblem(text: string, bounds: InstantBounds, now = Date.now()): string | undefined {
  const time = Date.parse(text);
  if (Number.isNaN(time)) return 'is not a valid instant';
  if (time >= bounds.earliest(now) && time <= bounds.latest(now)) return undefined;
  // Beyond the four-digit years toISOString() still works; only ±8.64e15 ms throw, and z.iso never gets there.
  return `must be from ${bounds.describe(now)}; got ${text} (${new Date(time).toISOString()} in UTC)`;
}

/**
 * An ISO 8601 instant (any offset) within `bounds`, kept as sent: the alert's occurredAt, whose
 * text reaches the features as the sender wrote it. The bound is checked only after the format.
 */
export function boundedInstantText(bounds: InstantBounds) {
  return z.iso.datetime({ offset: true }).transform((text, ctx) => {
    const problem = instantBoundsProblem(text, bounds);
    if (problem === undefined) return text;
    ctx.issues.push({ code: 'custom', message: problem, input: text });
    return z.NEVER;
  });
}

/** An ISO 8601 instant within `bounds`, canonicalised to UTC milliseconds (`toISOString()`) so stored text sorts by time. */
export function boundedInstant(bounds: InstantBounds) {
  return z.iso.datetime({ offset: true }).transform((text, ctx) => {
    const problem = instantBoundsProblem(text, bounds);
    if (problem === undefined) return new Date(text).toISOString();
    ctx.issues.push({ code: 'custom', message: problem, input: text });
    return z.NEVER;
  });
}

function iso(time: number): string {
  return new Date(time).toISOString();
}
