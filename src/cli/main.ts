/** @module The `winnow` command: dispatch to a subcommand, turn errors into readable messages and exit codes. */
import { type Command, UsageError } from './args.ts';
import { apiKeyCommand } from './commands/api-key.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { driftCommand } from './commands/drift.ts';
import { exportCommand } from './commands/export.ts';
import { experimentCommand } from './commands/experiment.ts';
import { replayCommand } from './commands/replay.ts';
import { retrainCommand } from './commands/retrain.ts';
import { generateCommand } from './commands/generate.ts';
import { importCommand } from './commands/import.ts';
import { promoteCommand } from './commands/promote.ts';
import { rollbackCommand } from './commands/rollback.ts';
import { scoreCommand } from './commands/score.ts';
import { serveCommand } from './commands/serve.ts';
import { consumeCommand } from './commands/consume.ts';
import { publishCommand } from './commands/publish.ts';
import { simulateCommand } from './commands/simulate.ts';
import { trainCommand } from './commands/train.ts';

const COMMANDS: Command[] = [generateCommand, trainCommand, importCommand, evaluateCommand, simulateCommand, scoreCommand, serveCommand, consumeCommand, publishCommand, promoteCommand, rollbackCommand, replayCommand, exportCommand, retrainCommand, driftCommand, experimentCommand, apiKeyCommand];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'winnow — second-stage scoring that cuts false positives in compliance alerts',
    '',
    'Usage: winnow <command> [options]     (winnow <command> --help for its options)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** Run the CLI with `argv` (without node and script); resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(topHelp());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`winnow: unknown command '${name}'\n\n${topHelp()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`winnow ${name}: ${err.message}\n(see 'winnow ${name} --help')`);
      return 2;
    }
    console.error(`winnow ${name}: ${(err as Error).message}`);
    if (process.env.WINNOW_DEBUG) console.error((err as Error).stack);
    return 1;
  }
}
