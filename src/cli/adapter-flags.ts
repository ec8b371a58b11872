/** @module `winnow serve`'s flags for the Jube and Tazama adapters (src/http/jube-routes.ts, tazama-routes.ts). */
import { type JubeMapping, parseJubeMapping } from '../http/jube-mapping.ts';
import type { TazamaOptions } from '../http/tazama-routes.ts';
import { parseTazamaFeatures } from '../http/tazama-triage.ts';
import { integer, UsageError } from './args.ts';
import { readJson } from './service-runtime.ts';

/** Usage lines for the adapter flags. */
export const ADAPTER_FLAGS_USAGE = `  --jube-mapping FILE  which fields of Jube's HTTP Adaptation payload are the alert's id, rule,
                       entity, event time, segment and attributes, for POST /v1/adapters/jube
                       (WINNOW_JUBE_MAPPING; default: TxnId, RuleId, AccountId, TxnDateTime,
                       Segment, and every field named like a feature source of the model)
  --tazama-features FILE
                       JSON list naming each position of Tazama's triage vector (null skips one),
                       e.g. examples/tazama-features.json; enables POST /v1/adapters/tazama/triage
                       (WINNOW_TAZAMA_FEATURES)
  --tazama-threshold N Tazama's CONFIDENCE_THRESHOLD: confidence reaches it only for alerts winnow
                       closes (WINNOW_TAZAMA_THRESHOLD, 1-100, default 95)
  --tazama-rule ID     rule id of Tazama cases sent without one (WINNOW_TAZAMA_RULE, default tazama)`;

/** parseFlags entries for the adapter flags. */
export const ADAPTER_FLAGS = {
  'jube-mapping': { type: 'string' }, 'tazama-features': { type: 'string' }, 'tazama-threshold': { type: 'string' }, 'tazama-rule': { type: 'string' },
} as const;

/** createApp's `jubeMapping` and `tazama` from the flags and the environment (files read and checked here, so a bad one stops serve at start). */
export async function adapterOptions(
  v: { 'jube-mapping'?: string; 'tazama-features'?: string; 'tazama-threshold'?: string; 'tazama-rule'?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ jubeMapping?: JubeMapping; tazama?: TazamaOptions }> {
  const jubePath = v['jube-mapping'] ?? env.WINNOW_JUBE_MAPPING;
  const jubeMapping = jubePath ? parseJubeMapping(await readJson(jubePath, 'Jube mapping'), `Jube mapping ${jubePath}`) : undefined;
  const threshold = integer({ 'tazama-threshold': v['tazama-threshold'] ?? env.WINNOW_TAZAMA_THRESHOLD }, 'tazama-threshold', 95, 1);
  if (threshold > 100) throw new UsageError(`--tazama-threshold must be from 1 to 100 (Tazama's CONFIDENCE_THRESHOLD), got ${threshold}`);
  const featuresPath = v['tazama-features'] ?? env.WINNOW_TAZAMA_FEATURES;
  const ruleId = v['tazama-rule'] ?? env.WINNOW_TAZAMA_RULE;
  if (ruleId === '') throw new UsageError('--tazama-rule must not be empty');
  const tazama = featuresPath
    ? { features: parseTazamaFeatures(await readJson(featuresPath, 'Tazama features'), `Tazama features ${featuresPath}`), threshold, ...(ruleId ? { ruleId } : {}) }
    : undefined;
  return { ...(jubeMapping ? { jubeMapping } : {}), ...(tazama ? { tazama } : {}) };
}
