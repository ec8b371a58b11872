/** @module Experiments over Kysely, for SQLite and PostgreSQL alike: lifecycle rows and the report's grouped counts (used by KyselyDecisionStore). */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { ArmCountRow } from '../experiments/arm-summary.ts';
import { armStopSchema, type ExperimentState, experimentSchema, isActiveAt } from '../experiments/experiment-schema.ts';
import type { PairedCountRow } from '../experiments/shadow-summary.ts';
import { type ExperimentsTable, isTrue, type StoreDatabase } from './decision-table.ts';
import type { StoreDialect } from './migrations/index.ts';

/** Another experiment is running, or the id is taken: one experiment at a time keeps assignment unambiguous. */
export class ExperimentConflictError extends Error {
  override readonly name = 'ExperimentConflictError';
}

/** No experiment with this id. */
export class UnknownExperimentError extends Error {
  override readonly name = 'UnknownExperimentError';
}

/**
 * Any fixed 64-bit key, taken as a transaction-scoped PostgreSQL advisory lock around "check that
 * nothing runs, then insert". Without it, replicas creating experiments at the same moment each
 * saw none running and all committed (up to 8 of 8 concurrent creates succeeded).
 */
const EXPERIMENT_CREATE_LOCK = 7_305_221_480_117n;

/**
 * Records a new running experiment. Refused when the id exists, or when another experiment is
 * running and not past its stopAt: two experiments would each claim the same alerts.
 * Concurrent creates are serialized: SQLite has one writer; on PostgreSQL, `dialect` takes a lock.
 */
export async function createExperiment(db: Kysely<StoreDatabase>, dialect: StoreDialect, input: unknown, createdBy: string, now: string): Promise<ExperimentState> {
  const definition = experimentSchema.parse(input);
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${EXPERIMENT_CREATE_LOCK})`.execute(trx);
    const existing = await trx.selectFrom('experiments').select('id').where('id', '=', definition.id).executeTakeFirst();
    if (existing) throw new ExperimentConflictError(`experiment '${definition.id}' already exists (ids are never reused, so reports stay unambiguous)`);
    const running = (await trx.selectFrom('experiments').selectAll().where('status', '=', 'running').execute()).map(fromExperimentRow);
    const blocking = running.find((e) => e.definition.stopAt === undefined || e.definition.stopAt > now);
    if (blocking) throw new ExperimentConflictError(`experiment '${blocking.id}' is running; stop it first (one experiment at a time)`);
    await trx.insertInto('experiments').values({
      id: definition.id, definition: JSON.stringify(definition), status: 'running', created_at: now, created_by: createdBy, stopped_at: null, stop_reason: null, stopped_arms: '[]',
    }).execute();
    return { id: definition.id, definition, status: 'running', createdAt: now, createdBy, stoppedArms: [] };
  });
}

export async function getExperiment(db: Kysely<StoreDatabase>, id: string): Promise<ExperimentState | undefined> {
  const row = await db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromExperimentRow(row);
}

/** Experiments newest first, optionally only those with a status. */
export async function listExperiments(db: Kysely<StoreDatabase>, status?: ExperimentState['status']): Promise<ExperimentState[]> {
  let query = db.selectFrom('experiments').selectAll();
  if (status) query = query.where('status', '=', status);
  return (await query.orderBy('created_at', 'desc').orderBy('id').execute()).map(fromExperimentRow);
}

/** The experiment that assigns alerts at `now`, if any. */
export async function activeExperiment(db: Kysely<StoreDatabase>, now: string): Promise<ExperimentState | undefined> {
  return (await listExperiments(db, 'running')).find((e) => isActiveAt(e, now));
}

/** Stops an experiment; stopping a stopped one changes nothing and returns it as it is. */
export async function stopExperiment(db: Kysely<StoreDatabase>, id: string, reason: string, now: string): Promise<ExperimentState> {
  await db.updateTable('experiments').set({ status: 'stopped', stopped_at: now, stop_reason: reason }).where('id', '=', id).where('status', '=', 'running').execute();
  const state = await getExperiment(db, id);
  if (!state) throw new UnknownExperimentError(`no experiment '${id}'`);
  return state;
}

/** Takes one arm out of a running experiment (its traffic goes to the control); an arm already stopped keeps its first reason. */
export async function stopArm(db: Kysely<StoreDatabase>, id: string, arm: string, reason: string, now: string): Promise<ExperimentState> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new UnknownExperimentError(`no experiment '${id}'`);
    const state = fromExperimentRow(row);
    if (!state.definition.arms.some((a) => a.name === arm)) throw new UnknownExperimentError(`experiment '${id}' has no arm '${arm}'`);
    if (state.stoppedArms.some((s) => s.arm === arm)) return state;
    const stoppedArms = [...state.stoppedArms, { arm, at: now, reason }];
    await trx.updateTable('experiments').set({ stopped_arms: JSON.stringify(stoppedArms) }).where('id', '=', id).execute();
    return { ...state, stoppedArms };
  });
}

// The current label of an alert: its feedback row with no later one (by decidedAt, then seq).
const currentLabel = sql`(SELECT f.alert_id, f.disposition FROM feedback f WHERE NOT EXISTS (
  SELECT 1 FROM feedback g WHERE g.alert_id = f.alert_id AND (g.decided_at > f.decided_at OR (g.decided_at = f.decided_at AND g.seq > f.seq))))`;

/** An experiment's decisions ⋈ current labels, grouped by arm, shadow flag, decision, sample and label. */
export async function experimentArmCounts(db: Kysely<StoreDatabase>, id: string): Promise<ArmCountRow[]> {
  const { rows } = await sql<{ arm: string; shadow: boolean | number; decision: string; sample: boolean | number; sample_rate: number | null; disposition: string | null; n: number | string }>`
    SELECT d.experiment_arm AS arm, d.shadow, d.decision, d.sample, d.sample_rate, l.disposition, COUNT(*) AS n
    FROM decisions d LEFT JOIN ${currentLabel} l ON l.alert_id = d.alert_id
    WHERE d.experiment_id = ${id}
    GROUP BY d.experiment_arm, d.shadow, d.decision, d.sample, d.sample_rate, l.disposition`.execute(db);
  return rows.map((r) => ({
    arm: r.arm, shadow: isTrue(r.shadow), decision: r.decision, sample: isTrue(r.sample), sampleRate: r.sample_rate === null ? null : Number(r.sample_rate),
    disposition: r.disposition, alerts: Number(r.n),
  }));
}

/** Each shadow decision of an experiment joined with the live decision of the same alert, grouped. */
export async function experimentPairedCounts(db: Kysely<StoreDatabase>, id: string): Promise<PairedCountRow[]> {
  const { rows } = await sql<{ arm: string; shadow_decision: string; live_decision: string; live_sample: boolean | number; live_sample_rate: number | null; disposition: string | null; n: number | string }>`
    SELECT s.experiment_arm AS arm, s.decision AS shadow_decision, l.decision AS live_decision, l.sample AS live_sample, l.sample_rate AS live_sample_rate, c.disposition, COUNT(*) AS n
    FROM decisions s
    JOIN decisions l ON l.alert_id = s.alert_id AND l.experiment_id = s.experiment_id AND NOT l.shadow
    LEFT JOIN ${currentLabel} c ON c.alert_id = s.alert_id
    WHERE s.experiment_id = ${id} AND s.shadow
    GROUP BY s.experiment_arm, s.decision, l.decision, l.sample, l.sample_rate, c.disposition`.execute(db);
  return rows.map((r) => ({
    arm: r.arm, shadowDecision: r.shadow_decision, liveDecision: r.live_decision, liveSample: isTrue(r.live_sample),
    liveSampleRate: r.live_sample_rate === null ? null : Number(r.live_sample_rate), disposition: r.disposition, alerts: Number(r.n),
  }));
}

function fromExperimentRow(row: Selectable<ExperimentsTable>): ExperimentState {
  return {
    id: row.id, definition: experimentSchema.parse(JSON.parse(row.definition)), status: row.status === 'stopped' ? 'stopped' : 'running',
    createdAt: row.created_at, createdBy: row.created_by,
    ...(row.stopped_at === null ? {} : { stoppedAt: row.stopped_at }), ...(row.stop_reason === null ? {} : { stopReason: row.stop_reason }),
    stoppedArms: armStopSchema.array().parse(JSON.parse(row.stopped_arms)),
  };
}
