import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';

const root = join(__dirname, '../../..');

describe('unas check', () => {
  it('passes the examples with exit 0 and no output', async () => {
    const r = await cli(
      [
        'check',
        'examples/mnist.unas',
        'examples/fashion-mnist.unas',
        'examples/cifar10.unas',
        'examples/tiny-budget.unas',
      ],
      root,
    );
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('prints file:line:col severity message and exits 1 on errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-check-'));
    writeFileSync(
      join(dir, 'bad.unas'),
      'search s {\n  dataset mnist\n  space { }\n  constraints { ram <= 2 kb }\n  train { epochs 3\n    epochs 4 }\n}\n',
    );
    const r = await cli(['check', 'bad.unas'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      "bad.unas:4:26 error unknown unit 'kb': did you mean 'KB'?",
      "bad.unas:6:5 warning 'epochs' is set twice in train; the later one wins",
    ]);
  });

  it('exits 0 when there are only warnings, and --json gives ranges', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-check-'));
    writeFileSync(
      join(dir, 'w.unas'),
      'model m { input 8x8x1; gap }\nmodel n { input 8x8x1; gap; dropout 0.5 }\n',
    );
    expect((await cli(['check', 'w.unas'], dir)).code).toBe(0);
    writeFileSync(join(dir, 'e.unas'), 'model m {\n  input 4x4x1\n  conv2d 8 k5\n}\n');
    const r = await cli(['check', '--json', 'e.unas'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        file: 'e.unas',
        line: 3,
        column: 3,
        endLine: 3,
        endColumn: 14,
        severity: 'error',
        code: 'shape',
        message: 'conv2d kernel 5×5 is larger than its 4×4 input (valid padding)',
      },
    ]);
  });

  it('reports unreadable files with exit 3 and usage errors with exit 2', async () => {
    expect(await cli(['check', 'nope.unas'], root)).toMatchObject({
      code: 3,
      stderr: 'nope.unas: cannot read: ENOENT\n',
    });
    expect((await cli(['check'], root)).code).toBe(2);
    expect((await cli(['check', '--frobnicate', 'x'], root)).code).toBe(2);
    expect((await cli(['frobnicate'], root)).code).toBe(2);
  });
});
