/** @module What `winnow promote` and `winnow rollback` share: flags, opening the store's activation log, the report. */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { ActivationChange } from '../../registry/activation-commands.ts';
import { refName } from '../../store/activation-log.ts';
import type { KyselyActivationLog } from '../../store/activation-log.ts';
import { openActivationLog } from '../../store/open-activation-log.ts';
import { UsageError } from '../args.ts';
import { existingStoreLocation } from '../store-flags.ts';

/** Usage lines for the shared flags. */
export const STORE_FLAGS_USAGE = `  --models DIR      model bundles folder, as the replicas see it (WINNOW_MODELS, default models)
  --data-dir DIR    the embedded SQLite store of 'winnow serve' (WINNOW_DATA_DIR, default data)
  --database URL    postgres://… store the replicas share (WINNOW_DATABASE_URL)
  --actor NAME      who did it, kept in the log (default: your user name)
  --note TEXT       why, kept in the log`;

const FLAGS = {
  models: { type: 'string' }, 'data-dir': { type: 'string' }, database: { type: 'string' },
  actor: { type: 'string' }, note: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

/** Parsed flags and exactly `names.length` positionals (a usage error names what is missing or extra). */
export function parseActivationArgs(argv: string[], names: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^.*?: /, ''));
  }
  const { values, positionals } = parsed;
  if (positionals.length < names.length) throw new UsageError(`missing ${names.slice(positionals.length).join(' and ')}`);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument '${positionals[names.length]}'`);
  const env = process.env;
  return {
    positionals,
    modelsDir: values.models ?? env.WINNOW_MODELS ?? 'models',
    actor: values.actor ?? env.USER ?? userName(),
    note: values.note,
    store: existingStoreLocation(values, env),
  };
}

/**
 * Open the activation log of an existing store. A SQLite file that does not exist yet is refused
 * rather than created: a mistyped --data-dir would otherwise record a promotion no replica reads.
 */
export async function openExistingLog(store: string): Promise<KyselyActivationLog> {
  return openActivationLog(store);
}

/** What changed and when replicas will have followed, for people. */
export function report(change: ActivationChange, verb: string): string {
  const { entry } = change;
  const to = refName(entry.model);
  if (!change.changed) return `${to} is already active (#${entry.seq}, ${entry.action} by ${entry.actor} at ${entry.activatedAt}); nothing recorded`;
  const pollMs = Number(process.env.WINNOW_POLL_ACTIVATIONS_MS) || 2000;
  return [
    `${change.from ? refName(change.from) : '(none)'} → ${to}  (${verb} by ${entry.actor}, #${entry.seq} in the activation log)`,
    `Replicas serving from this store switch within about ${pollMs / 1000} s (their --poll-activations-ms), after they`,
    `load and probe ${to}; requests in flight finish on the old model. See GET /v1/models/activations.`,
  ].join('\n');
}

// userInfo() throws for a uid with no passwd entry (common in containers).
function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
