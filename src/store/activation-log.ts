/**
 * @module The activation log: an append-only record of which model version every replica should
 * serve. Its latest entry is the fleet's active model; earlier entries are the audit trail and the
 * way back (rollback). One implementation over Kysely, for SQLite and PostgreSQL alike.
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { ActivationsTable, StoreDatabase } from './decision-table.ts';
import { migrateToLatest } from './migrations/index.ts';
import type { StoreDialect } from './migrations/index.ts';

export const activationActionSchema = z.enum(['promote', 'rollback', 'activate', 'initial']);
/** promote (CLI), rollback (CLI or API), activate (admin API), initial (first serve on an empty log). */
export type ActivationAction = z.infer<typeof activationActionSchema>;

export const modelRefSchema = z.object({ name: z.string().min(1), version: z.string().min(1) });
/** A bundle by name and version, as in `models/<name>/<version>`. */
export type ModelRef = z.infer<typeof modelRefSchema>;

/** One stored entry; `from` is the model of the entry before it (null for the first one). */
export const activationEntrySchema = z.object({
  seq: z.number().int().positive().describe('position in the log; increases with every entry'),
  model: modelRefSchema.describe('the model every replica serves from this entry on'),
  from: modelRefSchema.nullable().describe('the model of the previous entry: where a rollback goes'),
  action: activationActionSchema,
  actor: z.string().describe('API key name, CLI --actor, or the serving process'),
  activatedAt: z.string().describe('UTC ISO time the entry was recorded'),
  note: z.string().nullable(),
});
export type ActivationEntry = z.infer<typeof activationEntrySchema>;

export const MAX_NOTE_LENGTH = 2_000;
export const MAX_HISTORY_LIMIT = 1_000;

/** What a caller records; the log fills in seq, from and activatedAt. */
export const newActivationSchema = z.object({
  model: modelRefSchema,
  action: activationActionSchema,
  actor: z.string().min(1).max(200),
  note: z.string().max(MAX_NOTE_LENGTH).optional(),
  /**
   * Optimistic check: record only if the latest entry still has this seq (null: only into an empty
   * log). Rollback uses it so its target cannot go stale; two replicas starting together on an
   * empty log use it so only one 'initial' entry is written.
   */
  expectedLatestSeq: z.number().int().positive().nullable().optional(),
});
export type NewActivation = z.infer<typeof newActivationSchema>;

/** The log changed between reading it and recording (another promote, rollback or replica won). */
export class ActivationConflictError extends Error {
  override readonly name = 'ActivationConflictError';
  constructor(readonly latest: ActivationEntry | undefined, expected: number | null) {
    super(
      `the activation log changed meanwhile: expected ${expected === null ? 'an empty log' : `latest entry #${expected}`}, ` +
        `found ${latest ? `#${latest.seq} (${describeEntry(latest)})` : 'an empty log'}; nothing was recorded`,
    );
  }
}

/** Where the active model of every replica is decided. */
export interface ActivationLog {
  /** Appends an entry (its `from` is the latest entry's model) and returns it as stored. */
  record(entry: NewActivation): Promise<ActivationEntry>;
  /** The latest entry: the model replicas should serve; undefined while the log is empty. */
  current(): Promise<ActivationEntry | undefined>;
  /** Up to `limit` entries, newest first. */
  history(limit: number): Promise<ActivationEntry[]>;
}

/** `default/2 (promote by alice at 2026-…)`, for messages and logs. */
export function describeEntry(entry: ActivationEntry): string {
  return `${refName(entry.model)}, ${entry.action} by ${entry.actor} at ${entry.activatedAt}`;
}

/** `name/version`. */
export function refName(ref: ModelRef): string {
  return `${ref.name}/${ref.version}`;
}

/** An ActivationLog over a Kysely instance whose dialect is SQLite or PostgreSQL. */
export class KyselyActivationLog implements ActivationLog {
  readonly #db: Kysely<StoreDatabase>;
  readonly #now: () => Date;
  #closed = false;

  constructor(db: Kysely<StoreDatabase>, readonly kind: StoreDialect, { now = () => new Date() }: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = now;
  }

  /** Runs pending store migrations (the activations table is migration 0003); safe to repeat. */
  async init(): Promise<void> {
    this.#assertOpen();
    await migrateToLatest(this.#db, this.kind);
  }

  async record(input: NewActivation): Promise<ActivationEntry> {
    this.#assertOpen();
    const entry = newActivationSchema.parse(input);
    // Reading the latest entry and appending after it must be one step, or two writers could both
    // record the same `from`. Both dialects take the table's write lock before reading.
    return this.#db.connection().execute(async (conn) => {
      await sql.raw(this.kind === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
      try {
        if (this.kind === 'postgres') await sql`lock table activations in share row exclusive mode`.execute(conn);
        const latest = await latestEntry(conn);
        if (entry.expectedLatestSeq !== undefined && (latest?.seq ?? null) !== entry.expectedLatestSeq) {
          throw new ActivationConflictError(latest, entry.expectedLatestSeq);
        }
        const row = await conn
          .insertInto('activations')
          .values({
            model_name: entry.model.name,
            model_version: entry.model.version,
            from_name: latest?.model.name ?? null,
            from_version: latest?.model.version ?? null,
            action: entry.action,
            actor: entry.actor,
            activated_at: this.#now().toISOString(),
            note: entry.note ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await sql`commit`.execute(conn);
        return fromRow(row);
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => {});
        throw error;
      }
    });
  }

  async current(): Promise<ActivationEntry | undefined> {
    this.#assertOpen();
    return latestEntry(this.#db);
  }

  async history(limit: number): Promise<ActivationEntry[]> {
    this.#assertOpen();
    const n = z.number().int().min(1).max(MAX_HISTORY_LIMIT).parse(limit);
    const rows = await this.#db.selectFrom('activations').selectAll().orderBy('seq', 'desc').limit(n).execute();
    return rows.map(fromRow);
  }

  /** Releases the connection(s); the log is unusable afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.destroy();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`activation log (${this.kind}) is closed`);
  }
}

async function latestEntry(db: Kysely<StoreDatabase>): Promise<ActivationEntry | undefined> {
  const row = await db.selectFrom('activations').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? undefined : fromRow(row);
}

function fromRow(row: Selectable<ActivationsTable>): ActivationEntry {
  return {
    // PostgreSQL returns bigserial as text.
    seq: Number(row.seq),
    model: { name: row.model_name, version: row.model_version },
    from: row.from_name !== null && row.from_version !== null ? { name: row.from_name, version: row.from_version } : null,
    action: activationActionSchema.parse(row.action),
    actor: row.actor,
    activatedAt: row.activated_at,
    note: row.note,
  };
}
