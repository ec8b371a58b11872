/** @module `winnow experiment start FILE | stop ID | list | report ID`: manage A/B experiments in the store every replica follows. */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { parseExperiment } from '../../experiments/experiment-schema.ts';
import { formatReport } from '../../experiments/format-report.ts';
import { listBundles } from '../../model/index.ts';
import { DEFAULT_MINUTES_PER_ALERT, experimentReport } from '../../pipeline/experiment-report.ts';
import { openStore } from '../../store/open-store.ts';
import { type Command, list, UsageError } from '../args.ts';
import { existingStoreLocation, STORE_FLAGS, STORE_FLAGS_USAGE, storeLocation } from '../store-flags.ts';

const usage = `Usage: winnow experiment start FILE.json | stop ID [--reason TEXT] | list | report ID [options]

Compare thresholds and model versions on live traffic. An experiment has an id, arms (name,
model "name/version", policy or thresholds, weight; or shadow: true to score and record every
alert without deciding any), a unit (alert or entity), optional startAt/stopAt, and an optional
guardrail {maxMissedRate}. Every 'winnow serve' on the same store follows it within its poll
interval; one experiment runs at a time.

  start FILE   validate FILE (and that its bundles exist in --models) and start it
  stop ID      stop it: every alert goes back to the service's own model and policy
  list         experiments, newest first
  report ID    per-arm results, comparisons and verdicts. Like the service's periodic check,
               it stops an arm that breaches the guardrail, and says so.

Options:
  --models DIR             bundles folder, to check the arms' models (WINNOW_MODELS, default models)
  --minutes-per-alert M    analyst minutes one reviewed alert costs (default ${DEFAULT_MINUTES_PER_ALERT})
  --positive LIST          dispositions counted as true risk (default true_positive,sar_filed)
  --reason TEXT            why (stop)
  --json                   print JSON instead of text
${STORE_FLAGS_USAGE}

Example:
  winnow experiment start exp.json
  winnow experiment report thresholds-1 --minutes-per-alert 20`;

const FLAGS = {
  ...STORE_FLAGS, models: { type: 'string' }, 'minutes-per-alert': { type: 'string' }, positive: { type: 'string' },
  reason: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

export const experimentCommand: Command = {
  name: 'experiment',
  summary: 'start, stop, list and report A/B experiments of thresholds and model versions',
  usage,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^.*?: /, ''));
    }
    const { values: v, positionals } = parsed;
    const [action, arg, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const needs = { start: 'FILE.json', stop: 'ID', report: 'ID', list: null } as const;
    if (!action || !(action in needs)) throw new UsageError(`expected start, stop, list or report${action ? `, got '${action}'` : ''}`);
    const need = needs[action as keyof typeof needs];
    if (need && !arg) throw new UsageError(`${action} needs ${need}`);
    if (!need && arg) throw new UsageError(`unexpected argument '${arg}'`);
    const location = action === 'start' ? storeLocation(v) : existingStoreLocation(v);
    const definition = action === 'start' ? await readDefinition(arg!, v.models ?? process.env.WINNOW_MODELS ?? 'models') : undefined;
    const store = await openStore(location);
    const print = (value: unknown, text: string) => console.log(v.json ? JSON.stringify(value, null, 2) : text);
    try {
      if (action === 'start') {
        const e = await store.createExperiment(definition, whoAmI());
        print(e, `started ${e.id} (${e.definition.arms.map((a) => `${a.name}${a.shadow ? ' [shadow]' : ` ×${a.weight ?? 1}`}`).join(', ')}); replicas on this store follow within their poll interval`);
      } else if (action === 'stop') {
        const e = await store.stopExperiment(arg!, v.reason ?? `stopped by ${whoAmI()}`);
        print(e, `${e.id}: ${e.status} at ${e.stoppedAt} (${e.stopReason})`);
      } else if (action === 'list') {
        const all = await store.listExperiments();
        print(all, all.length === 0 ? 'no experiments' : all.map((e) => `${e.id}  ${e.status}  created ${e.createdAt} by ${e.createdBy}  arms ${e.definition.arms.map((a) => a.name).join(', ')}`).join('\n'));
      } else {
        const minutes = v['minutes-per-alert'] === undefined ? undefined : Number(v['minutes-per-alert']);
        if (minutes !== undefined && !(minutes > 0)) throw new UsageError(`--minutes-per-alert must be a positive number, got '${v['minutes-per-alert']}'`);
        const positive = v.positive === undefined ? undefined : list({ p: v.positive }, 'p');
        const { report } = await experimentReport({ store, id: arg!, minutesPerAlert: minutes, positive });
        print(report, formatReport(report));
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};

/** Reads and validates a definition, and checks the bundles its arms name exist (the replicas load them). */
async function readDefinition(path: string, modelsDir: string) {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  const definition = parseExperiment(json, path);
  const named = definition.arms.filter((a) => a.model !== undefined);
  if (named.length > 0) {
    const have = new Set((await listBundles(modelsDir)).map((b) => `${b.name}/${b.version}`));
    for (const a of named) if (!have.has(a.model!)) throw new Error(`${path}: arms.${definition.arms.indexOf(a)}.model: no bundle ${a.model} in ${modelsDir}`);
  }
  return definition;
}

function whoAmI(): string {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}
