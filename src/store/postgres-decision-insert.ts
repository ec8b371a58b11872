/**
 * @module The PostgreSQL insert of decision rows: one statement per batch whose parameters are
 * one array per column, `INSERT … SELECT * FROM unnest($1::text[], …)`. The multi-row VALUES
 * insert it replaces had 22 parameters per row (11,000 for 500 rows), and the server parsed and
 * planned that statement anew for every batch; bench/sustained.ts showed PostgreSQL's backends
 * spending more CPU per decision than winnow itself. This statement's text never changes.
 */
import { CompiledQuery, type Transaction } from 'kysely';
import type { StoreDatabase } from './decision-table.ts';
import type { toRow } from './decision-table.ts';

type Row = ReturnType<typeof toRow>;

/** Every column `toRow` fills, in its key order, with the PostgreSQL type of the column. */
const COLUMNS: readonly (readonly [keyof Row & string, string])[] = [
  ['record_key', 'text'], ['alert_id', 'text'], ['decided_at', 'text'], ['rule_id', 'text'], ['segment', 'text'], ['entity_id', 'text'],
  ['model_name', 'text'], ['model_version', 'text'], ['spec_hash', 'text'], ['features', 'text'], ['score', 'float8'], ['band', 'text'],
  ['decision', 'text'], ['reason', 'text'], ['sample', 'bool'], ['degraded', 'bool'], ['policy_version', 'text'], ['experiment_id', 'text'],
  ['experiment_arm', 'text'], ['request_id', 'text'], ['sample_rate', 'float8'], ['shadow', 'bool'], ['occurred_at', 'text'],
];

const INSERT_SQL =
  `INSERT INTO decisions (${COLUMNS.map(([name]) => name).join(', ')}) ` +
  `SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) ` +
  'ON CONFLICT (record_key) DO NOTHING';

let checked = false;

/** Inserts `rows` (skipping content keys already stored); returns how many were new. */
export async function insertDecisionRows(trx: Transaction<StoreDatabase>, rows: readonly Row[]): Promise<number> {
  if (!checked) {
    // A column toRow fills but this list misses would be silently dropped: refuse instead.
    const keys = Object.keys(rows[0]);
    if (keys.length !== COLUMNS.length || keys.some((key, i) => key !== COLUMNS[i][0])) {
      throw new Error(`decision insert: toRow's columns (${keys.join(', ')}) differ from the PostgreSQL insert's`);
    }
    checked = true;
  }
  const columns = COLUMNS.map(([name, type]) => rows.map((row) => {
    const value = row[name];
    // toRow writes booleans as 0/1 for SQLite; a PostgreSQL bool[] wants true/false.
    return type === 'bool' ? value === 1 : value;
  }));
  const result = await trx.executeQuery(CompiledQuery.raw(INSERT_SQL, columns));
  return Number(result.numAffectedRows ?? 0n);
}
