import { expect, it } from 'vitest';
import { fraction, integer, UsageError } from '../../src/cli/args.ts';

it('refuses empty and blank numbers instead of reading them as 0, naming the flag', () => {
  for (const v of ['', ' ', '\t']) {
    expect(() => integer({ threads: v }, 'threads', 0)).toThrow(UsageError);
    expect(() => integer({ threads: v }, 'threads', 0)).toThrow(/--threads must be a whole number >= 0/);
    expect(() => fraction({ rate: v }, 'rate', 0.1)).toThrow(/--rate must be a number in \[0, 1\)/);
  }
  expect(integer({ threads: '2' }, 'threads', 0)).toBe(2);
  expect(integer({}, 'threads', 7)).toBe(7);
  expect(fraction({ rate: '0.25' }, 'rate', 0.1)).toBe(0.25);
  for (const v of ['-1', '2.5', 'abc', '\u0000', '\ud800', '1'.repeat(400)]) expect(() => integer({ n: v }, 'n', 0)).toThrow(UsageError);
});
