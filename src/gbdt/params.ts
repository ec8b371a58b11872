/** @module Training parameters: one zod schema with defaults, parsed from `--param k=v` or code. */
import { z } from 'zod';

export const trainParamsSchema = z
  .object({
    numTrees: z.number().int().min(1).max(100_000).default(300),
    learningRate: z.number().gt(0).max(1).default(0.1),
    /** Leaf-wise growth stops at this many leaves per tree. */
    maxLeaves: z.number().int().min(2).max(4096).default(64),
    /** 0 = no depth limit (leaves alone bound the tree). */
    maxDepth: z.number().int().min(0).max(64).default(6),
    /** Minimum sum of hessians in a child (XGBoost's min_child_weight). */
    minChildWeight: z.number().min(0).default(1),
    /** Minimum training rows in a leaf (LightGBM's min_data_in_leaf). */
    minDataInLeaf: z.number().int().min(1).default(20),
    /** L2 regularisation on leaf values (XGBoost's lambda). */
    l2: z.number().min(0).default(1),
    /** Minimum loss reduction to make a split (XGBoost's gamma). */
    minSplitGain: z.number().min(0).default(0),
    /** Share of rows sampled (without replacement) for each tree. */
    subsample: z.number().gt(0).max(1).default(1),
    /** Share of features sampled for each tree. */
    colsample: z.number().gt(0).max(1).default(1),
    maxBins: z.number().int().min(2).max(255).default(255),
    /** Weight multiplier for positive (true-risk) rows; >1 counters the 1–5% base rate. */
    scalePosWeight: z.number().gt(0).default(1),
    /** Stop when validation log-loss has not improved for this many trees (0 = never). */
    earlyStoppingRounds: z.number().int().min(0).default(50),
    seed: z.number().int().min(0).default(42),
    /** Worker threads for histogram building; 0 = one per core, 1 = single-threaded. */
    threads: z.number().int().min(0).max(64).default(0),
    /**
     * `levelwise`: one streaming pass per level (needs maxLeaves ≥ 2^maxDepth, maxDepth ≤ 12);
     * `indexed`: exact best-first growth over per-leaf row lists; `auto` picks levelwise when it can.
     */
    engine: z.enum(['auto', 'levelwise', 'indexed']).default('auto'),
    /**
     * Monotone constraints by feature name: `amount_usd:+1,account_age_days:-1` (+1: the score never
     * decreases as the feature rises; -1: never increases), over present values: where a missing value
     * goes is learned freely. Resolved against `TrainOptions.features`; see monotone.ts. '' = none.
     */
    monotone: z.string().default(''),
  })
  .strict();

export type TrainParams = z.infer<typeof trainParamsSchema>;
export type TrainParamsInput = z.input<typeof trainParamsSchema>;

/** Validate parameters; unknown names and bad values are errors that name the parameter. */
export function parseTrainParams(input: unknown): TrainParams {
  const res = trainParamsSchema.safeParse(input ?? {});
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const name = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
  throw new Error(`training parameter ${name}: ${issue.message}`);
}

/** Parse `key=value` pairs into a raw parameter object (numbers where they parse); the schema checks the rest. */
export function paramsFromPairs(pairs: string[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--param '${pair}': expected key=value`);
    const text = pair.slice(eq + 1).trim();
    const value = Number(text);
    out[pair.slice(0, eq)] = text !== '' && Number.isFinite(value) ? value : text;
  }
  return out;
}
