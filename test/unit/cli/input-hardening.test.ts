import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build.js';
import { cli } from '../../support/cli.js';

/** The CLI's input layer: files that are not files, values that look like options, data that is not there. */

const root = join(__dirname, '../../..');
const tiny = readFileSync(join(root, 'test/fixtures/search/tiny-mnist.unas'), 'utf8');

beforeAll(buildOnce);

describe('non-regular files are refused with exit 3, never read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unas-fifo-'));
  execFileSync('mkfifo', [join(dir, 'pipe.unas'), join(dir, 'pipe.tflite')]);
  mkdirSync(join(dir, 'folder.unas'));
  for (const args of [
    ['check', 'pipe.unas'],
    ['estimate', 'pipe.unas'],
    ['estimate', 'pipe.tflite'],
    ['search', 'pipe.unas'],
    ['check', 'folder.unas'],
  ]) {
    it(`unas ${args.join(' ')}`, async () => {
      const r = await cli(args, dir);
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(`${args[1]}: cannot read: not a regular file\n`);
    });
  }
});

describe('option values', () => {
  it('--workers -1 is a range error, not "ambiguous"', async () => {
    const r = await cli(['search', 'x.unas', '--workers', '-1'], root);
    expect(r).toMatchObject({ code: 2, stderr: 'unas search: --workers takes a positive whole number\n' });
    const b = await cli(['search', 'x.unas', '--budget', '-3'], root);
    expect(b).toMatchObject({ code: 2, stderr: 'unas search: --budget takes a positive whole number\n' });
  });
});

describe('the dataset is checked before the first training', () => {
  it('a missing dataset folder: exit 3, one message, no run folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-nodata-'));
    writeFileSync(
      join(dir, 's.unas'),
      tiny.replace(
        'dataset mnist { subset 300  validation 2% }',
        'dataset images { path "no-such-folder"  input 28x28x1 }',
      ),
    );
    const r = await cli(['search', 's.unas', '--runs', 'runs', '--no-final', '--budget', '2'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`unas search: dataset not found: ${join(dir, 'no-such-folder')} (ENOENT)\n`);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('a dataset every candidate fails on: exit 4, said why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-baddata-'));
    mkdirSync(join(dir, 'empty'));
    writeFileSync(
      join(dir, 's.unas'),
      tiny.replace(
        'dataset mnist { subset 300  validation 2% }',
        'dataset images { path "empty"  input 28x28x1 }',
      ),
    );
    // The real CLI: training runs in its worker processes.
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin/unas.js'), 'search', 's.unas', '--runs', 'runs', '--no-final', '--budget', '2'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.stderr).toContain('unas search: all 2 evaluated candidates failed to train');
    expect(r.status).toBe(4);
  }, 60_000);
});
