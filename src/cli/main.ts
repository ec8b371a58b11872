/** @module The `winnow` command: dispatch to a subcommand, turn errors into readable messages and exit codes. */
import { readFileSync } from 'node:fs';
import { UsageError } from './args.ts';
import { COMMANDS } from './command-list.ts';
import { closestName } from '../text/did-you-mean.ts';

/** winnow's version, from its package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'winnow — second-stage scoring that cuts false positives in compliance alerts',
    '',
    'Usage: winnow <command> [options]     (winnow <command> --help for its options; winnow --version)',
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
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`winnow ${version()}`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const near = closestName(name, COMMANDS.map((c) => c.name));
    console.error(`winnow: unknown command '${name}'${near ? `; did you mean '${near}'?` : ''}\n\n${topHelp()}`);
    return 2;
  }
  const command = await entry.load();
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
