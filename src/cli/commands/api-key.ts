/** @module `winnow api-key`: make a new API key and the hashed entry for the keys file. */
import { newApiKey, type Scope, scopeSchema } from '../../http/auth.ts';
import { type Command, list, parseFlags, required, UsageError } from '../args.ts';

const usage = `Usage: winnow api-key --name NAME [--scopes score,feedback,admin]

Print a new random API key (once: it is not stored anywhere) and the JSON entry to add to the
keys file given to 'winnow serve --api-keys'. The file holds only sha256 hashes of keys.

Options:
  --name NAME       who or what uses the key (shown in logs and 403 messages)
  --scopes LIST     comma-separated: score, feedback, admin, metrics (default score); metrics
                    only reads GET /metrics (a Prometheus scraper), as admin also may

Example:
  winnow api-key --name alert-pipeline --scopes score`;

export const apiKeyCommand: Command = {
  name: 'api-key',
  summary: 'create an API key and the hashed entry for the keys file',
  usage,
  async run(argv) {
    const v = parseFlags(argv, { name: { type: 'string' }, scopes: { type: 'string' } });
    const scopes = list(v, 'scopes');
    for (const s of scopes) {
      if (!scopeSchema.safeParse(s).success) throw new UsageError(`unknown scope '${s}' (scopes: ${scopeSchema.options.join(', ')})`);
    }
    const { key, entry } = newApiKey(required(v, 'name'), (scopes.length > 0 ? scopes : ['score']) as Scope[]);
    process.stderr.write('The key (shown once; give it to the client):\n');
    console.log(key);
    process.stderr.write('\nAdd this entry to the keys file (a JSON array):\n');
    console.log(JSON.stringify(entry));
    return 0;
  },
};
