/** @module `winnow rollback`: return every replica on a store to the model active before the current one. */
import { rollback } from '../../registry/activation-commands.ts';
import type { Command } from '../args.ts';
import { openExistingLog, parseActivationArgs, report, STORE_FLAGS_USAGE } from './activation-cli.ts';

const usage = `Usage: winnow rollback [options]

Make the model that was active before the current one active again on every 'winnow serve' on
the same store (the "from" of the newest activation-log entry). A second rollback undoes the
first; to go further back, promote the older version. The bundle is loaded and probed here first.

Options:
${STORE_FLAGS_USAGE}

Example:
  winnow rollback --database postgres://winnow@db/winnow --note "FP rate up on retail"`;

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'return every replica on a store to the previously active model',
  usage,
  async run(argv) {
    const { modelsDir, actor, note, store } = parseActivationArgs(argv, []);
    const log = await openExistingLog(store);
    try {
      console.log(report(await rollback({ log, modelsDir, actor, note }), 'rollback'));
    } finally {
      await log.close();
    }
    return 0;
  },
};
