/** @module Parameters of the tfjs challengers (`--algo mlp|logreg`): one zod schema with defaults, parsed from `--param k=v`. */
import { z } from 'zod';

/** Model families `winnow train --algo` accepts; gbdt is the default and the only one with trees. */
export const ALGOS = ['gbdt', 'mlp', 'logreg'] as const;
export type Algo = (typeof ALGOS)[number];
/** The network families (trained with tfjs). */
export type NetworkAlgo = Exclude<Algo, 'gbdt'>;

const hiddenSchema = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    // `--param hidden=64,32` arrives as text, `hidden=64` as a number.
    const sizes = String(v).split(',').map((s) => Number(s.trim()));
    if (sizes.length === 0 || sizes.length > 3 || !sizes.every((s) => Number.isInteger(s) && s >= 1 && s <= 1024)) {
      ctx.addIssue({ code: 'custom', message: `expected 1 to 3 comma-separated layer sizes between 1 and 1024, got '${v}'` });
      return z.NEVER;
    }
    return sizes;
  });

export const networkParamsSchema = z
  .object({
    /** Hidden layer sizes (mlp only; logreg has none). */
    hidden: hiddenSchema.default([64, 32]),
    /** Upper bound on passes over the training rows (early stopping usually stops sooner). */
    epochs: z.number().int().min(1).max(1000).default(30),
    batchSize: z.number().int().min(1).max(65536).default(512),
    /** Adam step size. */
    learningRate: z.number().gt(0).max(1).default(0.002),
    /** L2 penalty on weight matrices (not biases), added to the mean loss. */
    l2: z.number().min(0).default(1e-4),
    /** Stop when validation log-loss has not improved for this many epochs; the best epoch's weights are kept. */
    patience: z.number().int().min(1).default(4),
    /** Seeds weight initialisation and the per-epoch shuffle. */
    seed: z.number().int().min(0).default(42),
  })
  .strict();

export type NetworkParams = z.infer<typeof networkParamsSchema>;

/** Validate network parameters for `algo`; unknown names and bad values are errors naming the parameter. */
export function parseNetworkParams(algo: NetworkAlgo, input: unknown): NetworkParams {
  const raw = (input ?? {}) as Record<string, unknown>;
  if (algo === 'logreg' && raw.hidden !== undefined) throw new Error(`training parameter hidden: logreg has no hidden layers (use --algo mlp)`);
  const res = networkParamsSchema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0];
    const name = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
    throw new Error(`training parameter ${name} (--algo ${algo}): ${issue.message}`);
  }
  return algo === 'logreg' ? { ...res.data, hidden: [] } : res.data;
}
