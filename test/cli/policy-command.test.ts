import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parsePolicy, PolicyError } from '../../src/policy/index.ts';

const EXAMPLE = new URL('../../examples/policy.json', import.meta.url).pathname;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  return { out, err };
}
afterEach(() => vi.restoreAllMocks());

describe('winnow policy check', () => {
  it('prints the ladders of examples/policy.json', async () => {
    const { out } = capture();
    expect(await main(['policy', 'check', EXAMPLE])).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('0.02 ≤ score < 0.5  review      (band medium)');
    expect(text).toContain('rule tm_structuring (instead of the default):');
    expect(text).toContain('never closed automatically (at least review, whatever the score): scr_sanctions, scr_pep');
    expect(text).toContain('2% of would-be auto_close alerts go to review anyway');
  });

  it('names an unknown key first, with the key it probably meant, and every other problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winnow-policy-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ version: 'p', bands: [{ name: 'all', decison: 'review' }], neverSupress: [], belowTheLineSampleRate: 0.01 }));
    const { err } = capture();
    expect(await main(['policy', 'check', file])).toBe(1);
    const lines = err.join('\n').split('\n');
    expect(lines.slice(1, 3).sort()).toEqual([
      "  bands.0.decison: unknown key; did you mean 'decision'? (allowed here: name, below, decision)",
      "  neverSupress: unknown key; did you mean 'neverSuppress'? (allowed here: version, bands, overrides, neverSuppress, belowTheLineSampleRate)",
    ]);
    expect(lines.slice(3).join('\n')).toContain('neverSuppress');
  });

  it('refuses a missing action or file with usage (exit 2)', async () => {
    capture();
    expect(await main(['policy'])).toBe(2);
    expect(await main(['policy', 'check'])).toBe(2);
    expect(await main(['policy', 'lint', EXAMPLE])).toBe(2);
  });
});

describe('parsePolicy', () => {
  it('puts unknown keys in override ladders first too', () => {
    const bad = { version: 'p', bands: [{ name: 'all', decision: 'review' }], overrides: { rules: { r: { bnads: [] } } }, neverSuppress: [], belowTheLineSampleRate: 0 };
    try {
      parsePolicy(bad, 'p.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).issues[0]).toEqual({ path: 'overrides.rules.r.bnads', message: "unknown key; did you mean 'bands'? (allowed here: bands)" });
    }
  });
});
