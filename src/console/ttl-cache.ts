/**
 * @module A few recent results kept for a short while: the overview's counts read every decision
 * of the period (about 1 s per 270,000 on SQLite), so reloads and several viewers share one count.
 * Concurrent misses for the same key share one computation; a failed one is not kept.
 */
export class TtlCache<T> {
  readonly #entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = 16, private readonly now: () => number = Date.now) {}

  /** The value for `key` computed at most `ttlMs` ago, with the time it was computed. */
  async get(key: string, compute: () => Promise<T>): Promise<{ value: T; at: number }> {
    const hit = this.#entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return { value: await hit.value, at: hit.at };
    const entry = { at: this.now(), value: compute() };
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return { value: await entry.value, at: entry.at };
  }
}
