/** @module Deadlines on store calls: a hung store answers 503 at a known time, and readiness sees the hang. */

/** A store call did not come back within its deadline; it may still complete later. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** `promise`, or a DeadlineError once `ms` have passed (the call itself goes on). */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string, missed = 'not committed'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what} ${missed} within ${ms} ms (the store is slow or down)`)), ms);
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

/**
 * `target` with a deadline on every call that returns a promise: the console's pages read the
 * store through this, so a locked table or a stalled disk answers 503 at a known time instead of
 * holding the page (and its browser tab) open. Methods run on `target` itself, so class-private
 * state works; the calls that miss their deadline go on, and are not retried.
 */
export function withCallDeadlines<T extends object>(target: T, ms: number, what: string): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        return result instanceof Promise ? withDeadline(result, ms, `${what}.${String(prop)}`, 'did not answer') : result;
      };
    },
  });
}
