/** @module Parse JSON Lines text into a column-major Table: one flat object per line, columns in first-seen key order. */
import { TableBuilder, TableReadError, type Table } from './table.ts';

/** JSON type names for error messages. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Parse JSONL text. Blank lines are skipped; a key a line lacks reads as missing (null), like an
 * empty CSV cell; values must be numbers, strings, booleans or null.
 */
export async function readJsonlText(source: string, chunks: AsyncIterable<string>): Promise<Table> {
  const builder = new TableBuilder();
  const index = new Map<string, number>();
  const columns = builder.columns;
  let rest = '';
  let lineNo = 0;

  const onLine = (text: string): void => {
    lineNo++;
    if (text.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      throw new TableReadError(source, lineNo, `invalid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new TableReadError(source, lineNo, `expected a JSON object, found ${describe(obj)}`);
    }
    const row = builder.rowCount;
    const record = obj as Record<string, unknown>;
    for (const key in record) {
      const v = record[key];
      if (v !== null && typeof v === 'object') {
        throw new TableReadError(source, lineNo, `key '${key}' holds ${describe(v)}; only numbers, strings, booleans and null are allowed`);
      }
      let j = index.get(key);
      if (j === undefined) {
        j = builder.addColumn(key);
        index.set(key, j);
      }
      columns[j].push(typeof v === 'string' ? builder.intern(j, v) : (v as number | boolean | null));
    }
    builder.rowCount = row + 1;
    for (let j = 0; j < columns.length; j++) if (columns[j].length === row) columns[j].push(null);
  };

  for await (const chunk of chunks) {
    const text = rest.length === 0 ? chunk : rest + chunk;
    let pos = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', pos)) {
      onLine(text.slice(pos, nl));
      pos = nl + 1;
    }
    rest = text.slice(pos);
  }
  if (rest.length > 0) onLine(rest);
  return builder.build(source);
}
