/** @module A column-major table read from a data file, the builder that fills it, and the error every reader throws. */
import { extname } from 'node:path';
import type { AttributeValue } from '../features/spec.ts';

/** A data file's contents, column by column: `columns[j][i]` is row i of column `names[j]`. */
export interface Table {
  /** Path the table was read from. */
  source: string;
  names: string[];
  columns: AttributeValue[][];
  rowCount: number;
}

/** A data file that cannot be read or written as a table; the message starts `file:line:` like a compiler's. */
export class TableFileError extends Error {
  override readonly name = 'TableFileError';

  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly detail: string,
  ) {
    super(line === null ? `${file}: ${detail}` : `${file}:${line}: ${detail}`);
  }
}

/** Data file formats, chosen by extension. */
export type TableFormat = 'csv' | 'jsonl';

/** The format a path's extension names; `.ndjson` is JSONL by another name. */
export function tableFormatOf(path: string): TableFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new TableFileError(path, null, `unsupported file type ${ext ? `'${ext}'` : '(no extension)'} (expected .csv or .jsonl)`);
}

// Categorical columns repeat a few values millions of times; keeping one copy of each saves
// memory, while an id column would only fill the map, so interning stops after this many values.
const INTERN_LIMIT = 4096;

/**
 * A copy of a string that does not pin the text it was cut from. V8 represents a substring of 13+
 * characters as a view into its parent, so keeping one timestamp per row would otherwise keep the
 * whole file's text alive; prepending a character and slicing forces a small flat copy.
 */
function ownCopy(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Grows a table column by column, storing each distinct short string once. */
export class TableBuilder {
  readonly columns: AttributeValue[][] = [];
  private readonly interned: (Map<string, string> | null)[] = [];
  rowCount = 0;

  constructor(readonly names: string[] = []) {
    for (let j = 0; j < names.length; j++) this.addColumnStorage();
  }

  /** Add a column that first appears now; earlier rows read as missing there. */
  addColumn(name: string): number {
    this.names.push(name);
    this.addColumnStorage();
    const col = this.columns[this.columns.length - 1];
    for (let i = 0; i < this.rowCount; i++) col.push(null);
    return this.columns.length - 1;
  }

  /** The shared copy of a string value of column j. */
  intern(j: number, s: string): string {
    const map = this.interned[j];
    if (map === null) return ownCopy(s);
    const seen = map.get(s);
    if (seen !== undefined) return seen;
    const own = ownCopy(s);
    if (map.size >= INTERN_LIMIT) this.interned[j] = null;
    else map.set(own, own);
    return own;
  }

  /** The finished table. */
  build(source: string): Table {
    return { source, names: this.names, columns: this.columns, rowCount: this.rowCount };
  }

  private addColumnStorage(): void {
    this.columns.push([]);
    this.interned.push(new Map());
  }
}
