/** @module `winnow policy check FILE`: validate a policy file and say in words what it would do. */
import { readFile } from 'node:fs/promises';
import { describePolicy } from '../../policy/describe-policy.ts';
import { parsePolicy, PolicyError } from '../../policy/index.ts';
import { type Command, UsageError } from '../args.ts';

const usage = `Usage: winnow policy check FILE

Validate a policy file (what 'winnow serve --policy FILE' reads) and print the ladders it would
apply: the score ranges of each decision, per-rule and per-segment overrides, the rules never
closed and the below-the-line sample. Exit 0 when valid, 1 with every problem named when not.

Example:
  winnow policy check examples/policy.json`;

export const policyCommand: Command = {
  name: 'policy',
  summary: 'check a policy file and print the ladders it would apply',
  usage,
  async run(argv) {
    const [action, file, ...extra] = argv;
    if (action !== 'check') throw new UsageError(action ? `unknown action '${action}' (the only one is 'check')` : "missing action: 'winnow policy check FILE'");
    if (!file) throw new UsageError('missing FILE: the policy file to check');
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
    try {
      console.log(`${file}: valid\n\n${describePolicy(parsePolicy(raw, file))}`);
      return 0;
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      console.error(`${file}: invalid\n${err.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
      return 1;
    }
  },
};
