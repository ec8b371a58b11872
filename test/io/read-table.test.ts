/** @module Tests for reading CSV and JSONL files into tables: parsing, typing, chunking and exact error messages. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AttributeValue } from '../../src/features/spec.ts';
import { readCsvText, readTable, tableFormatOf } from '../../src/io/read-table.ts';
import { formatTable } from '../../src/io/write-table.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'winnow-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Write `text` to a file in the temp dir and return its path. */
async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function* chunksOf(text: string, sizes: number[]): AsyncGenerator<string> {
  let pos = 0;
  for (const n of sizes) {
    if (pos >= text.length) break;
    yield text.slice(pos, pos + n);
    pos += n;
  }
  if (pos < text.length) yield text.slice(pos);
}

describe('readTable on CSV', () => {
  it('reads a header and typed, column-major cells', async () => {
    const path = await file('basic.csv', 'id,amount,flag,note\nA1,12.5,true,hello\nA2,,false,NA\nA3,-3,TRUE,nan\n');
    expect(await readTable(path)).toEqual({
      source: path,
      names: ['id', 'amount', 'flag', 'note'],
      columns: [
        ['A1', 'A2', 'A3'],
        [12.5, null, -3],
        [true, false, true],
        ['hello', null, null],
      ],
      rowCount: 3,
    });
  });

  it('follows RFC 4180 quoting: commas, doubled quotes, newlines; quoted cells stay text', async () => {
    const path = await file('quoted.csv', 'a,b,c\r\n1,"x,y","say ""hi"""\r\n2,"two\nlines",""\r\n"3","NA",\r\n');
    const t = await readTable(path);
    expect(t.columns).toEqual([
      [1, 2, '3'],
      ['x,y', 'two\nlines', 'NA'],
      ['say "hi"', '', null],
    ]);
  });

  it('skips blank lines, a byte-order mark and a missing final newline', async () => {
    const path = await file('blank.csv', '\ufeffa,b\n1,2\n\n3,4');
    const t = await readTable(path);
    expect(t.names).toEqual(['a', 'b']);
    expect(t.columns).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('reads a blank line in a one-column file as a missing value', async () => {
    const t = await readTable(await file('one.csv', 'x\n1\n\n3\n'));
    expect(t.columns).toEqual([[1, null, 3]]);
  });

  it('returns an empty table for a header alone', async () => {
    const t = await readTable(await file('header.csv', 'a,b\n'));
    expect(t).toMatchObject({ names: ['a', 'b'], columns: [[], []], rowCount: 0 });
  });

  it('gives the same table however the text is cut into chunks', async () => {
    const text = 'a,b,c\n1,"q,""x""\ny",z\r\n\n2,,"NA"\n3,"",w';
    const whole = await readCsvText('t.csv', chunksOf(text, [text.length]));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 40 }), async (sizes) => {
        expect(await readCsvText('t.csv', chunksOf(text, sizes))).toEqual(whole);
      }),
    );
    expect(whole.rowCount).toBe(3);
  });

  it('parses any written table identically whatever the chunking, \r\n endings included', async () => {
    const cell = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '1') }),
    );
    const rows = fc.array(fc.tuple(cell, cell, cell), { maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(rows, fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 60 }), fc.boolean(), async (data, sizes, crlf) => {
        let text = '';
        for await (const chunk of formatTable('csv', ['a', 'b', 'c'], data)) text += chunk;
        if (crlf) text = text.replace(/\n(?=(?:[^"]*"[^"]*")*[^"]*$)/g, '\r\n'); // only record ends, not newlines inside quotes
        const t = await readCsvText('t.csv', chunksOf(text, sizes));
        const want: AttributeValue[][] = [0, 1, 2].map((j) => data.map((r) => r[j]));
        expect(t.columns).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});

describe('readTable errors', () => {
  it('names the file and line of a record with the wrong number of cells', async () => {
    const path = await file('count.csv', 'a,b,c\n1,2,3\n"multi\nline",2,3\n4,5\n');
    await expect(readTable(path)).rejects.toThrow(expect.objectContaining({ name: 'TableFileError', message: `${path}:5: expected 3 cells, found 2` }));
  });

  it('reports quoting mistakes with the line and column', async () => {
    const stray = await file('stray.csv', 'a,b\n1,x"y\n');
    await expect(readTable(stray)).rejects.toThrow(`${stray}:2: column 'b': unexpected quote inside an unquoted cell`);
    const after = await file('after.csv', 'a,b\n"x"y,1\n');
    await expect(readTable(after)).rejects.toThrow(`${after}:2: column 'a': unexpected text after a closing quote`);
    const open = await file('open.csv', 'a,b\n1,2\n3,"never closed\n4,5\n');
    await expect(readTable(open)).rejects.toThrow(`${open}:3: column 'b': unterminated quoted cell`);
  });

  it('rejects a file without a header, or with empty or duplicate names', async () => {
    const empty = await file('empty.csv', '');
    await expect(readTable(empty)).rejects.toThrow(`${empty}:1: missing header row`);
    const unnamed = await file('unnamed.csv', 'a,,c\n1,2,3\n');
    await expect(readTable(unnamed)).rejects.toThrow(`${unnamed}:1: column 2 has an empty name`);
    const twice = await file('twice.csv', 'a,b,a\n1,2,3\n');
    await expect(readTable(twice)).rejects.toThrow(`${twice}:1: duplicate column name 'a'`);
  });

  it('rejects unknown extensions, missing files and directories', async () => {
    await expect(readTable(join(dir, 'data.parquet'))).rejects.toThrow(`${join(dir, 'data.parquet')}: unsupported file type '.parquet' (expected .csv or .jsonl)`);
    await expect(readTable(join(dir, 'data'))).rejects.toThrow(`${join(dir, 'data')}: unsupported file type (no extension) (expected .csv or .jsonl)`);
    await expect(readTable(join(dir, 'nope.csv'))).rejects.toThrow(
      expect.objectContaining({ name: 'TableFileError', message: `${join(dir, 'nope.csv')}: file not found` }),
    );
    const folder = join(dir, 'folder.csv');
    await mkdir(folder);
    await expect(readTable(folder)).rejects.toThrow(`${folder}: is a directory, not a file`);
  });

  it('chooses the format from the extension, case-insensitively', () => {
    expect(tableFormatOf('x/Alerts.CSV')).toBe('csv');
    expect(tableFormatOf('a.jsonl')).toBe('jsonl');
    expect(tableFormatOf('a.ndjson')).toBe('jsonl');
  });
});

describe('readTable on JSONL', () => {
  it('takes the union of keys in first-seen order; absent keys read as missing', async () => {
    const path = await file('a.jsonl', '{"id":"A1","amount":3}\n\n{"amount":null,"vpn":true,"id":"A2"}\r\n{"id":"A3","note":"x,\\"y\\""}');
    expect(await readTable(path)).toEqual({
      source: path,
      names: ['id', 'amount', 'vpn', 'note'],
      columns: [
        ['A1', 'A2', 'A3'],
        [3, null, null],
        [null, true, null],
        [null, null, 'x,"y"'],
      ],
      rowCount: 3,
    });
  });

  it('keeps JSON strings as strings, even when they look like numbers', async () => {
    const t = await readTable(await file('s.jsonl', '{"a":"42","b":"NA","c":""}\n'));
    expect(t.columns).toEqual([['42'], ['NA'], ['']]);
  });

  it('names the line of invalid JSON, non-objects and nested values', async () => {
    const bad = await file('bad.jsonl', '{"a":1}\n\n{oops\n');
    await expect(readTable(bad)).rejects.toThrow(new RegExp(`^${bad}:3: invalid JSON \\(.+\\)$`));
    const arr = await file('arr.jsonl', '{"a":1}\n[1,2]\n');
    await expect(readTable(arr)).rejects.toThrow(`${arr}:2: expected a JSON object, found an array`);
    const num = await file('num.jsonl', '7\n');
    await expect(readTable(num)).rejects.toThrow(`${num}:1: expected a JSON object, found a number`);
    const nested = await file('nested.jsonl', '{"a":1}\n{"a":2,"meta":{"k":1}}\n');
    await expect(readTable(nested)).rejects.toThrow(
      expect.objectContaining({
        name: 'TableFileError',
        message: `${nested}:2: key 'meta' holds an object; only numbers, strings, booleans and null are allowed`,
      }),
    );
    const list = await file('list.jsonl', '{"tags":["a"]}\n');
    await expect(readTable(list)).rejects.toThrow(`${list}:1: key 'tags' holds an array; only numbers, strings, booleans and null are allowed`);
  });

  it('reads an empty file as an empty table', async () => {
    expect(await readTable(await file('empty.jsonl', ''))).toMatchObject({ names: [], columns: [], rowCount: 0 });
  });
});

describe('readTable on JSONL key order', () => {
  it('keeps first-seen order even for integer-like keys, which JavaScript would list first', async () => {
    const t = await readTable(await file('ints.jsonl', '{"b": 1, "10" :2}\n{"z":"}\\"{", "2":3}\n'));
    expect(t.names).toEqual(['b', '10', 'z', '2']);
    expect(t.columns).toEqual([
      [1, null],
      [2, null],
      [null, '}"{'],
      [null, 3],
    ]);
  });
});
