/** @module Parse JSON Lines text into a column-major Table: one flat object per line, columns in first-seen key order. */
import { TableBuilder, TableFileError, type Table } from './table.ts';

/** JSON type names for error messages. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

/**
 * An object's keys in the order the line wrote them. JavaScript lists integer-like keys ("7") first,
 * so only when such a key is present is the line scanned for its top-level keys.
 */
function keysInTextOrder(record: Record<string, unknown>, text: string): string[] {
  const keys = Object.keys(record);
  if (!keys.some((k) => INDEX_KEY.test(k))) return keys;
  const ordered: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      let k = j + 1;
      while (text[k] === ' ' || text[k] === '\t' || text[k] === '\r' || text[k] === '\n') k++;
      if (depth === 1 && text[k] === ':') ordered.push(JSON.parse(text.slice(i, j + 1)) as string);
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  // A repeated key keeps its first position, like the union of columns.
  return [...new Set(ordered)];
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
      throw new TableFileError(source, lineNo, `invalid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new TableFileError(source, lineNo, `expected a JSON object, found ${describe(obj)}`);
    }
    const row = builder.rowCount;
    const record = obj as Record<string, unknown>;
    for (const key of keysInTextOrder(record, text)) {
      const v = record[key];
      if (v !== null && typeof v === 'object') {
        throw new TableFileError(source, lineNo, `key '${key}' holds ${describe(v)}; only numbers, strings, booleans and null are allowed`);
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
