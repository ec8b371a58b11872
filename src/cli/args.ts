/** @module Command-line parsing shared by every command: typed flags, `--help`, and usage errors. */
import { parseArgs } from 'node:util';

/** A mistake in how the command was called; printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** What every command module exports. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Parse flags strictly; unknown flags and stray positionals are usage errors naming the culprit. */
export function parseFlags<T extends FlagSpec>(argv: string[], flags: T) {
  try {
    return parseArgs({ args: argv, options: { ...flags, help: { type: 'boolean', short: 'h' } }, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^.*?: /, ''));
  }
}

/** A required string flag. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing --${name}`);
  return v;
}

/** A flag's text as a number: NaN for empty or blank text, which `Number` would read as 0 (`--threads ''`). */
function flagNumber(v: unknown): number {
  return typeof v === 'string' && v.trim() === '' ? NaN : Number(v);
}

/** An integer flag with bounds, or its default. */
export function integer(values: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = flagNumber(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number >= ${min}, got '${v}'`);
  return n;
}

/** A fraction flag in [0, 1), or its default. */
export function fraction(values: Record<string, unknown>, name: string, fallback: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = flagNumber(v);
  if (!(n >= 0 && n < 1)) throw new UsageError(`--${name} must be a number in [0, 1), got '${v}'`);
  return n;
}

/** A flag that must be one of `allowed`; undefined when absent (the caller picks the default). */
export function oneOf<T extends string>(values: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (!(allowed as readonly unknown[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

/** A comma-separated list flag (repeatable). */
export function list(values: Record<string, unknown>, name: string): string[] {
  const v = values[name];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return items.flatMap((s: string) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}
