import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../../client/src/commands/context.js';
import { runCli } from '../../../client/src/commands/run-cli.js';
import { buildOnce } from '../../support/build.js';

const root = join(__dirname, '../../..');

/** The commands' one way to run the CLI, on the bundled `dist/cli.js` the extension ships. */
function ctx(): { ctx: Ctx; lines: string[] } {
  const lines: string[] = [];
  const output = { appendLine: (l: string) => lines.push(l) };
  return { ctx: { cli: join(root, 'dist/cli.js'), output } as unknown as Ctx, lines };
}

beforeAll(buildOnce, 120_000);

describe('runCli', () => {
  it('runs a command to completion and copies its output to the channel', async () => {
    const { ctx: c, lines } = ctx();
    const r = await runCli(c, ['estimate', join(root, 'examples/mnist.unas')]);
    expect([r.code, r.failure]).toEqual([0, undefined]);
    expect(r.stdout).toMatch(/^model lenet_tiny/m);
    expect(lines).toEqual([r.stdout + r.stderr]);
  });

  it("reports the CLI's exit code and the first line of its errors", async () => {
    const { ctx: c } = ctx();
    const file = join(root, 'test/fixtures/checks/space-too-small.unas');
    const r = await runCli(c, ['estimate', file]);
    expect(r.code).toBe(1);
    expect(r.failure).toMatch(
      /space-too-small\.unas:11:14 error no architecture of this search space meets ram/,
    );
  });
});
