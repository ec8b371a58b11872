/** @module Read a CSV or JSONL data file into a column-major Table, streaming so a million rows fit in memory. */
import { open } from 'node:fs/promises';
import type { AttributeValue } from '../features/spec.ts';
import { parseCell } from './cells.ts';
import { CsvParser, CsvSyntaxError } from './csv-parser.ts';
import { readJsonlText } from './read-jsonl.ts';
import { TableBuilder, TableFileError, tableFormatOf, type Table } from './table.ts';

export { TableFileError, tableFormatOf, type Table, type TableFormat } from './table.ts';

const CHUNK_BYTES = 1 << 20;

/** Reports bytes read so far out of the file's size. */
export type ReadProgress = (bytesRead: number, bytesTotal: number) => void;

/** Text chunks of a file; a missing file or a directory is a TableFileError naming the path. */
export async function* readTextChunks(path: string, onProgress?: ReadProgress): AsyncGenerator<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TableFileError(path, null, code === 'ENOENT' ? 'file not found' : `cannot open (${code ?? String(err)})`);
  }
  const stream = handle.createReadStream({ encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  try {
    const size = onProgress ? (await handle.stat()).size : 0;
    onProgress?.(0, size);
    let first = true;
    for await (const chunk of stream as AsyncIterable<string>) {
      // A byte-order mark (Excel writes one) is not part of the first column's name.
      yield first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
      first = false;
      onProgress?.(stream.bytesRead, Math.max(size, stream.bytesRead));
    }
  } catch (err) {
    if (err instanceof TableFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new TableFileError(path, null, code === 'EISDIR' ? 'is a directory, not a file' : `read failed (${code ?? String(err)})`);
  } finally {
    stream.destroy();
    await handle.close().catch(() => undefined);
  }
}

/** Read a `.csv` or `.jsonl` file (chosen by extension) into a Table. */
export async function readTable(path: string, { onProgress }: { onProgress?: ReadProgress } = {}): Promise<Table> {
  const format = tableFormatOf(path);
  const chunks = readTextChunks(path, onProgress);
  return format === 'csv' ? readCsvText(path, chunks) : readJsonlText(path, chunks);
}

/**
 * Parse CSV text: the first record is the header; unquoted cells are typed by `parseCell`,
 * quoted cells stay text. Blank lines are skipped unless the table has a single column,
 * where a blank line is that column's missing value.
 */
export async function readCsvText(source: string, chunks: AsyncIterable<string>): Promise<Table> {
  let builder: TableBuilder | null = null;
  let width = 0;
  const onRecord = (cells: string[], quoted: boolean[] | null, line: number): void => {
    if (builder === null) {
      builder = new TableBuilder(headerNames(source, cells, line));
      width = cells.length;
      return;
    }
    if (cells.length === 1 && cells[0] === '' && width > 1 && quoted === null) return;
    if (cells.length !== width) {
      throw new TableFileError(source, line, `expected ${width} cells, found ${cells.length}`);
    }
    const columns = builder.columns;
    for (let j = 0; j < width; j++) {
      const text = cells[j];
      const value: AttributeValue = quoted !== null && quoted[j] ? text : parseCell(text);
      columns[j].push(typeof value === 'string' ? builder.intern(j, value) : value);
    }
    builder.rowCount++;
  };
  const parser = new CsvParser(onRecord);
  const columnName = (cell: number): string => (builder === null ? `column ${cell + 1}` : `column '${builder.names[cell] ?? cell + 1}'`);
  try {
    for await (const chunk of chunks) parser.push(chunk);
    parser.end();
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new TableFileError(source, err.line, `${columnName(err.cell)}: ${err.detail}`);
    throw err;
  }
  if (builder === null) throw new TableFileError(source, 1, 'missing header row');
  return (builder as TableBuilder).build(source);
}

/** Validate header cells: every column needs a distinct, non-empty name. */
function headerNames(source: string, cells: string[], line: number): string[] {
  const seen = new Set<string>();
  cells.forEach((name, j) => {
    if (name === '') throw new TableFileError(source, line, `column ${j + 1} has an empty name`);
    if (seen.has(name)) throw new TableFileError(source, line, `duplicate column name '${name}'`);
    seen.add(name);
  });
  return cells;
}
