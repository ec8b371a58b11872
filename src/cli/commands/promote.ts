/** @module `winnow promote NAME VERSION`: make a bundle the active model of every replica on a store. */
import { promote } from '../../registry/activation-commands.ts';
import type { Command } from '../args.ts';
import { openExistingLog, parseActivationArgs, report, STORE_FLAGS_USAGE } from './activation-cli.ts';

const usage = `Usage: winnow promote NAME VERSION [options]

Make models/NAME/VERSION the active model of every 'winnow serve' on the same store. The bundle
is loaded and probed here first: one that is missing or fails is refused and nothing is recorded.
Each replica then notices the new entry of the activation log, loads and probes the bundle itself
and swaps it in. Undo with 'winnow rollback'.

Options:
${STORE_FLAGS_USAGE}

Example:
  winnow promote default 2 --database postgres://winnow@db/winnow --note "retrained on Q3 feedback"`;

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'make a model version active on every replica sharing a store',
  usage,
  async run(argv) {
    const { positionals: [name, version], modelsDir, actor, note, store } = parseActivationArgs(argv, ['NAME', 'VERSION']);
    const log = await openExistingLog(store);
    try {
      console.log(report(await promote({ name, version }, { log, modelsDir, actor, note }), 'promote'));
    } finally {
      await log.close();
    }
    return 0;
  },
};
