import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-list.ts';
import { closestName, editDistance } from '../../src/text/did-you-mean.ts';
import { main, version } from '../../src/cli/main.ts';

describe('the command list', () => {
  it("names each command and its summary as the command itself does (the list is what --help shows without loading them)", async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  });

  it('prints the version from package.json', async () => {
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await main(['--version'])).toBe(0);
  });
});

describe('did you mean', () => {
  const names = COMMANDS.map((c) => c.name);
  it.each([['scroe', 'score'], ['trian', 'train'], ['expor', 'export'], ['Serve', 'serve'], ['experiments', 'experiment'], ['simualte', 'simulate'], ['ap', 'api-key']])('%s → %s', (typed, want) => {
    expect(closestName(typed, names)).toBe(want);
  });
  it.each(['zzz', 'x', 'frobnicate', 'kubectl'])('%s → nothing', (typed) => {
    expect(closestName(typed, names)).toBeUndefined();
  });
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('scroe', 'score')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
