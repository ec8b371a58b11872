/** @module Tests for CSV cell typing and quoting. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCell, isDecimalText, needsQuotes, parseCell } from '../../src/io/cells.ts';

describe('parseCell', () => {
  it.each([
    ['', null],
    ['NA', null],
    ['null', null],
    ['NaN', null],
    ['nan', null],
    ['true', true],
    ['True', true],
    ['FALSE', false],
    ['0', 0],
    ['-12.5', -12.5],
    ['+3', 3],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['-2.5E-2', -0.025],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['0x10', '0x10'],
    [' 1', ' 1'],
    ['1 ', '1 '],
    ['1_000', '1_000'],
    ['1e', '1e'],
    ['-', '-'],
    ['.', '.'],
    ['1.2.3', '1.2.3'],
    ['tm_structuring', 'tm_structuring'],
    ['None', 'None'],
  ])('reads %j as %j', (text, want) => {
    expect(parseCell(text)).toEqual(want);
  });

  it('agrees with Number() on every decimal it accepts', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        expect(isDecimalText(text)).toBe(true);
        expect(parseCell(text)).toBe(x === 0 ? 0 : x); // String(-0) is "0"
      }),
    );
  });
});

describe('formatCell', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    [Number.NaN, ''],
    [1.5, '1.5'],
    [true, 'true'],
    [false, 'false'],
    ['plain', 'plain'],
    ['', '""'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    ['42', '"42"'],
    ['NA', '"NA"'],
    ['true', '"true"'],
    ['\ufeffbom', '"\ufeffbom"'],
  ])('writes %j as %j', (value, want) => {
    expect(formatCell(value)).toBe(want);
  });

  it('quotes exactly the strings that would not read back as themselves', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '1', '.', '-', 'e', ',', '"', '\n', ' ', 'N', 'A', 'n') }), (s) => {
        const unquotedSafe = parseCell(s) === s && !/[,"\n\r]/.test(s) && s.length > 0;
        expect(needsQuotes(s)).toBe(!unquotedSafe);
      }),
    );
  });
});
