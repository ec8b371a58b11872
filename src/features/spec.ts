/** @module The feature spec: which attributes a model reads, how each becomes a number, and its stable hash. */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A value as it arrives in an alert's attributes or a data file's cell. */
export type AttributeValue = number | string | boolean | null | undefined;

export const featureKindSchema = z.enum(['numeric', 'boolean', 'categorical']);

export const featureSchema = z
  .object({
    /** Name of the model input column (position in the spec is its index). */
    name: z.string().min(1),
    kind: featureKindSchema,
    /** Attribute (or data column) the value is read from (usually the same as `name`). */
    source: z.string().min(1),
    /**
     * `nan`: a missing value becomes NaN and each tree routes it the way training learned.
     * `reject`: a missing value is an error (the alert is then not scored, and fails open to review).
     */
    missing: z.enum(['nan', 'reject']).default('nan'),
    /** Known categories, in code order; any other value gets code `categories.length` ("unseen"). */
    categories: z.array(z.string()).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'categorical' && !f.categories) {
      ctx.addIssue({ code: 'custom', message: `categorical feature '${f.name}' needs a categories list`, path: ['categories'] });
    }
    if (f.kind !== 'categorical' && f.categories) {
      ctx.addIssue({ code: 'custom', message: `only categorical features take categories ('${f.name}' is ${f.kind})`, path: ['categories'] });
    }
    // A repeated or blank category would own a code that encode can never produce.
    f.categories?.forEach((c, i) => {
      if (c.trim() === '') ctx.addIssue({ code: 'custom', message: `categories of '${f.name}' include a blank value (blank always encodes as missing)`, path: ['categories', i] });
      else if (f.categories!.indexOf(c) !== i) ctx.addIssue({ code: 'custom', message: `categories of '${f.name}' repeat '${c}'`, path: ['categories', i] });
    });
  });

export const featureSpecSchema = z
  .object({
    version: z.literal(1),
    features: z.array(featureSchema).min(1),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.features.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: 'custom', message: `duplicate feature name '${f.name}'`, path: ['features', i, 'name'] });
      seen.add(f.name);
    });
  });

export type Feature = z.infer<typeof featureSchema>;
export type FeatureKind = z.infer<typeof featureKindSchema>;
export type FeatureSpec = z.infer<typeof featureSpecSchema>;

/** Parse and validate a spec from JSON-like input; the error names the offending path. */
export function parseFeatureSpec(input: unknown, origin = 'feature spec'): FeatureSpec {
  const res = featureSpecSchema.safeParse(input);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new Error(`${origin}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return res.data;
}

/**
 * Stable hash of everything that changes what `encode` produces: names, order, kinds, sources,
 * missing policies and category codes. Key order in the JSON does not matter.
 */
export function specHash(spec: FeatureSpec): string {
  const canonical = spec.features.map((f) => [f.name, f.kind, f.source, f.missing, f.categories ?? null]);
  return 'sha256:' + createHash('sha256').update(JSON.stringify([spec.version, canonical])).digest('hex');
}
