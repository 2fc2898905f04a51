import { describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../../server/src/cli/help.js';
import { cli } from '../../support/cli.js';

describe('unas --help', () => {
  // `unas lsp --help` writes to the process's own stdout (transports.test.ts runs it).
  const commands = Object.keys(COMMAND_HELP).filter((c) => c !== 'lsp');

  it.each(commands)('unas %s --help (and -h, and unas help %s) prints its options and exits 0', async (c) => {
    for (const args of [
      [c, '--help'],
      [c, 'file.unas', '-h'],
      ['help', c],
    ]) {
      const r = await cli(args, process.cwd());
      expect(r).toEqual({ code: 0, stdout: expect.stringContaining(COMMAND_HELP[c]!), stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^usage: unas ${c} `));
    }
  });

  it('unas help lists every command; an option after -- is not a request for help', async () => {
    const r = await cli(['help'], process.cwd());
    expect(r.code).toBe(0);
    for (const c of Object.keys(COMMAND_HELP)) expect(r.stdout).toContain(COMMAND_HELP[c]);
    const check = await cli(['check', '--', '--help'], process.cwd());
    expect(check.stdout).not.toContain('usage:');
  });
});
