/** @module Tests for the streaming table writers: round trips through the readers, atomic replacement, laziness. */
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AttributeValue } from '../../src/features/spec.ts';
import { readTable } from '../../src/io/read-table.ts';
import { formatTable, writeAlerts, writeTable } from '../../src/io/write-table.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { ALERT_COLUMNS, ALERT_COLUMN_NAMES } from '../../src/synth/columns.ts';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'winnow-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const fresh = (ext: string): string => join(dir, `t${n++}.${ext}`);

/** Strings rich in the characters CSV must escape, plus arbitrary well-formed Unicode. */
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '1', '.', '-', 'e', ',', '"', '\n', '\r', ' ', 'N', 'A', 'true', 'é', '😀', '\ufeff') }),
  fc.string({ unit: 'grapheme' }),
);
const value: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)), // -0 is written as 0
  fc.integer(),
  text,
);
/** A table: distinct non-empty column names and rows of matching width. */
const table = fc.uniqueArray(text.filter((s) => s.length > 0), { minLength: 1, maxLength: 5 }).chain((names) =>
  fc.record({ names: fc.constant(names), rows: fc.array(fc.array(value, { minLength: names.length, maxLength: names.length }), { maxLength: 8 }) }),
);
const byColumn = (names: string[], rows: AttributeValue[][]): AttributeValue[][] => names.map((_, j) => rows.map((r) => r[j]));

describe('writeTable', () => {
  it('round-trips any table through CSV: quotes, commas, newlines, nulls, booleans, numbers', async () => {
    await fc.assert(
      fc.asyncProperty(table, async ({ names, rows }) => {
        const path = fresh('csv');
        expect(await writeTable(path, names, rows)).toBe(rows.length);
        const t = await readTable(path);
        expect(t.names).toEqual(names);
        expect(t.columns).toEqual(byColumn(names, rows));
        expect(t.rowCount).toBe(rows.length);
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips any table through JSONL', async () => {
    await fc.assert(
      fc.asyncProperty(table, async ({ names, rows }) => {
        const path = fresh('jsonl');
        await writeTable(path, names, rows);
        const t = await readTable(path);
        expect(t.names).toEqual(rows.length === 0 ? [] : names); // JSONL has no header: no rows, no names
        expect(t.columns).toEqual(rows.length === 0 ? [] : byColumn(names, rows));
      }),
      { numRuns: 150 },
    );
  });

  it('writes the exact CSV and JSONL text, from arrays or objects, sync or async', async () => {
    const names = ['id', 'note', 'n'];
    const rows = [
      ['A1', 'x,"y"', 1.5],
      { id: 'A2', note: null, n: Number.NaN },
    ];
    async function* later(): AsyncGenerator<(typeof rows)[number]> {
      yield* rows;
    }
    const csv = fresh('csv');
    await writeTable(csv, names, rows);
    expect(await readFile(csv, 'utf8')).toBe('id,note,n\nA1,"x,""y""",1.5\nA2,,\n');
    const jsonl = fresh('jsonl');
    expect(await writeTable(jsonl, names, later())).toBe(2);
    expect(await readFile(jsonl, 'utf8')).toBe('{"id":"A1","note":"x,\\"y\\"","n":1.5}\n{"id":"A2","note":null,"n":null}\n');
  });

  it('leaves the old file and no temporary behind when the rows fail midway', async () => {
    const path = fresh('csv');
    await writeFile(path, 'old\n');
    function* failing(): Generator<AttributeValue[]> {
      for (let i = 0; i < 50_000; i++) yield [i];
      throw new Error('source broke');
    }
    await expect(writeTable(path, ['i'], failing())).rejects.toThrow('source broke');
    expect(await readFile(path, 'utf8')).toBe('old\n');
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('rejects an unknown extension before writing anything', async () => {
    const path = join(dir, 'out.xlsx');
    await expect(writeTable(path, ['a'], [[1]])).rejects.toThrow(
      expect.objectContaining({ name: 'TableFileError', message: `${path}: unsupported file type '.xlsx' (expected .csv or .jsonl)` }),
    );
    await expect(writeTable(join(dir, 'x.txt'), ['a'], [[1]], { format: 'csv' })).resolves.toBe(1);
  });

  it('rejects column names the readers would refuse, and unwritable paths', async () => {
    const csv = fresh('csv');
    await expect(writeTable(csv, [], [])).rejects.toThrow(`${csv}: a CSV table needs at least one column`);
    await expect(writeTable(csv, ['a', ''], [])).rejects.toThrow(`${csv}: column 2 has an empty name`);
    await expect(writeTable(csv, ['a', 'b', 'a'], [])).rejects.toThrow(`${csv}: duplicate column name 'a'`);
    // A file where a folder should be: the parent folder cannot be created.
    const blocker = fresh('csv');
    await writeTable(blocker, ['a'], [[1]]);
    const nowhere = join(blocker, 'out.jsonl');
    await expect(writeTable(nowhere, ['a'], [[1]])).rejects.toThrow(
      expect.objectContaining({ name: 'TableFileError', message: `${nowhere}: cannot write (EEXIST)` }),
    );
    const nested = join(dir, 'new-dir', 'deeper', 'out.csv');
    await expect(writeTable(nested, ['a'], [[1]])).resolves.toBe(1);
  });

  it('pulls rows only as fast as chunks are consumed', async () => {
    let pulled = 0;
    function* many(): Generator<AttributeValue[]> {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield [i, 'some text'];
      }
    }
    const chunks = formatTable('csv', ['i', 's'], many());
    const first = await chunks.next();
    expect(typeof first.value).toBe('string');
    expect(pulled).toBeLessThan(20_000);
    await chunks.return(undefined);
  });
});

describe('writeAlerts', () => {
  it('writes generated alerts that read back unchanged, as CSV and as JSONL', async () => {
    const alerts = [...generateAlerts({ rows: 3_000, seed: 5 })];
    for (const ext of ['csv', 'jsonl']) {
      const path = fresh(ext);
      expect(await writeAlerts(path, alerts, ALERT_COLUMNS)).toBe(alerts.length);
      const t = await readTable(path);
      expect(t.names).toEqual(ALERT_COLUMN_NAMES);
      t.names.forEach((name, j) => {
        expect(t.columns[j], name).toEqual(alerts.map((a) => (a as unknown as Record<string, AttributeValue>)[name]));
      });
    }
  });
});
