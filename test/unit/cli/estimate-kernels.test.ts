import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';

/** `--kernels cmsis-nn | reference` on `unas estimate`: the arena's scratch per kernel library. */
describe('unas estimate --kernels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unas-kernels-'));
  writeFileSync(
    join(dir, 'm.unas'),
    'model m {\n  input 16x16x3\n  conv2d 8 k3 relu\n  dwconv2d k5\n  avgpool 2\n  flatten\n  dense 10\n}\n',
  );
  const scratchOf = async (...extra: string[]): Promise<number> => {
    const r = await cli(['estimate', 'm.unas', '--json', '--board', 'nucleo-f746zg', ...extra], dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      models: { estimate: { target: { kernels: string }; totals: { arena: { scratch: number } } } }[];
    };
    return out.models[0]!.estimate.totals.arena.scratch;
  };

  it('CMSIS-NN on an Arm board counts im2col and pooling buffers; reference kernels none', async () => {
    expect(await scratchOf()).toBeGreaterThan(0);
    expect(await scratchOf('--kernels', 'cmsis-nn')).toBe(await scratchOf());
    expect(await scratchOf('--kernels', 'reference')).toBe(0);
  });

  it('refuses another library, naming the two', async () => {
    const r = await cli(['estimate', 'm.unas', '--kernels', 'esp-nn'], dir);
    expect(r).toMatchObject({ code: 2, stderr: 'unas estimate: --kernels takes cmsis-nn or reference\n' });
  });
});
