/** @module Deadlines on store calls: a hung store answers 503 at a known time, and readiness sees the hang. */

/** A store call did not come back within its deadline; it may still complete later. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** `promise`, or a DeadlineError once `ms` have passed (the call itself goes on). */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what} not committed within ${ms} ms (the store is slow or down)`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * Store calls in flight, by start time. A table lock or a stalled disk fails nothing: calls just
 * never return, so readiness asks how long the oldest one has been waiting.
 */
export class InFlightCalls {
  readonly #started = new Map<number, number>();
  #next = 0;

  /** `promise`, counted as in flight until it settles. */
  track<T>(promise: Promise<T>): Promise<T> {
    const id = this.#next++;
    this.#started.set(id, performance.now());
    return promise.finally(() => this.#started.delete(id));
  }

  /** How long (ms) the oldest call in flight has been waiting; 0 when none is. */
  oldestMs(): number {
    let oldest = Infinity;
    for (const t of this.#started.values()) oldest = Math.min(oldest, t);
    return oldest === Infinity ? 0 : performance.now() - oldest;
  }
}
