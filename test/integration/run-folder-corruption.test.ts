import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../support/build.js';
import { cli } from '../support/cli.js';

/**
 * A run folder is untrusted input. One real run is damaged file by file (missing, empty,
 * truncated, wrong type, hostile values) and given to resume, front, retrain and export: no stack
 * trace ever, only documented exit codes, a message naming the damaged file, no candidate id
 * evaluated twice, and nothing dropped without a warning.
 */

const root = join(__dirname, '../..');
const fixture = join(root, 'test/fixtures/search/tiny-mnist.unas');
const DOCUMENTED = [0, 1, 2, 3, 4];
const STACK = /\n\s+at .*[(\s]\S+:\d+:\d+\)?/;

let base: string;
let work: string;

/** The real CLI (searches and retrains need its worker processes). */
function unas(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [join(root, 'bin/unas.js'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const finishedIds = (jsonl: string): number[] =>
  jsonl
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        const e = JSON.parse(l) as { type: string; candidate?: { id: number; testError?: number } };
        return e.type === 'candidate-finished' && e.candidate!.testError === undefined
          ? [e.candidate!.id]
          : [];
      } catch {
        return [];
      }
    });

beforeAll(async () => {
  await buildOnce();
  work = mkdtempSync(join(tmpdir(), 'unas-corrupt-'));
  const r = unas([
    'search',
    fixture,
    '--runs',
    'runs',
    '--no-final',
    '--budget',
    '3',
    '--workers',
    '1',
    '--json',
  ]);
  expect(r.code).toBe(0);
  base = join(work, 'runs', readdirSync(join(work, 'runs'))[0]!);
}, 120_000);

let n = 0;
/** A fresh copy of the run with `damage` applied. */
function damaged(damage: (dir: string) => void): string {
  const dir = join(work, `case-${n++}`);
  cpSync(base, dir, { recursive: true });
  damage(dir);
  return dir;
}

const text = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const put = (f: string, s: string) => (dir: string) => writeFileSync(join(dir, f), s);
const drop = (f: string) => (dir: string) => rmSync(join(dir, f), { force: true });
/** A FIFO in place of the file: a reader that opens it blocks forever. */
const fifo = (f: string) => (dir: string) => {
  rmSync(join(dir, f), { force: true });
  execFileSync('mkfifo', [join(dir, f)]);
};
const truncate = (f: string) => (dir: string) =>
  writeFileSync(join(dir, f), text(dir, f).slice(0, text(dir, f).length >> 1));

/** What each damage must lead to when resuming: refused (exit 3, naming the file) or resumed safely. */
type Expect = { refused: string } | { resumed: true; warns?: string };

const CASES: [string, (dir: string) => void, Expect][] = [
  ['intact', () => undefined, { resumed: true }],
  ['settings.json missing', drop('settings.json'), { refused: 'settings.json' }],
  ['settings.json empty', put('settings.json', ''), { refused: 'settings.json' }],
  ['settings.json truncated', truncate('settings.json'), { refused: 'settings.json' }],
  ['settings.json null', put('settings.json', 'null'), { refused: 'settings.json: not a JSON object' }],
  ['settings.json {"version":1}', put('settings.json', '{"version":1}'), { refused: 'settings.json: name' }],
  [
    'settings.json {"strategy":5}',
    put('settings.json', '{"strategy":5}'),
    { refused: 'settings.json: version' },
  ],
  [
    'settings.json strategy 5',
    (d) => put('settings.json', JSON.stringify({ ...JSON.parse(text(d, 'settings.json')), strategy: 5 }))(d),
    { refused: 'settings.json: strategy: not an object' },
  ],
  [
    'settings.json damaged space',
    (d) =>
      put(
        'settings.json',
        JSON.stringify({ ...JSON.parse(text(d, 'settings.json')), space: { blocks: 'x' } }),
      )(d),
    { refused: 'settings.json: space: not a usable search space' },
  ],
  [
    'settings.json hostile name',
    (d) =>
      put('settings.json', JSON.stringify({ ...JSON.parse(text(d, 'settings.json')), name: '../../x' }))(d),
    { refused: 'settings.json: name' },
  ],
  ['settings.json a FIFO', fifo('settings.json'), { refused: 'settings.json: unreadable' }],
  ['state.json a FIFO', fifo('state.json'), { refused: 'state.json: unreadable' }],
  ['events.jsonl a FIFO', fifo('events.jsonl'), { refused: 'events.jsonl: unreadable' }],
  ['state.json missing', drop('state.json'), { refused: "the strategy's state is gone" }],
  ['state.json empty', put('state.json', ''), { refused: 'state.json: unreadable' }],
  ['state.json truncated', truncate('state.json'), { refused: 'state.json: unreadable' }],
  ['state.json null', put('state.json', 'null'), { refused: 'state.json: not a JSON object' }],
  ['state.json {"strategy":5}', put('state.json', '{"strategy":5}'), { refused: 'state.json: strategy' }],
  [
    'state.json hostile outstanding id',
    (d) => {
      const s = JSON.parse(text(d, 'state.json'));
      s.strategy.ledger.outstanding = [{ ...s.strategy.population[0], id: '../../x' }];
      put('state.json', JSON.stringify(s))(d);
    },
    { refused: 'state.json: strategy.ledger.outstanding[0].id' },
  ],
  [
    'state.json older than the journal',
    (d) => {
      const s = JSON.parse(text(d, 'state.json'));
      s.strategy.ledger.nextId = 2;
      s.told = [1];
      put('state.json', JSON.stringify(s))(d);
    },
    { refused: 'the state is older than the journal' },
  ],
  ['events.jsonl missing', drop('events.jsonl'), { refused: 'events.jsonl records none' }],
  ['events.jsonl empty', put('events.jsonl', ''), { refused: 'events.jsonl records none' }],
  [
    'events.jsonl torn last line',
    (d) => put('events.jsonl', text(d, 'events.jsonl').slice(0, -20))(d),
    { resumed: true, warns: 'events.jsonl' },
  ],
  [
    'events.jsonl corrupt middle line',
    (d) => {
      const lines = text(d, 'events.jsonl').split('\n');
      const i = lines.findIndex((l) => l.includes('"candidate-started"'));
      lines[i] = '{"type": 5, garbage';
      put('events.jsonl', lines.join('\n'))(d);
    },
    { resumed: true, warns: 'events.jsonl' },
  ],
  [
    'events.jsonl result line corrupt',
    (d) => {
      const lines = text(d, 'events.jsonl').split('\n');
      const i = lines.findIndex((l) => l.includes('"candidate-finished"'));
      lines[i] = lines[i]!.slice(0, 40);
      put('events.jsonl', lines.join('\n'))(d);
    },
    { resumed: true, warns: 'events.jsonl: the results of candidates 1 are lost' },
  ],
];

describe('run-folder corruption matrix', () => {
  for (const [name, damage, expected] of CASES) {
    it(`${name}: resume, front, retrain, export`, async () => {
      const dir = damaged(damage);
      const journal = join(dir, 'events.jsonl');
      const before =
        existsSync(journal) && statSync(journal).isFile() ? finishedIds(text(dir, 'events.jsonl')) : [];

      const resume = unas([
        'search',
        '--resume',
        dir,
        '--budget',
        '4',
        '--no-final',
        '--workers',
        '1',
        '--json',
      ]);
      expect(resume.stderr).not.toMatch(STACK);
      if ('refused' in expected) {
        expect(resume.code).toBe(3);
        expect(resume.stderr).toContain(expected.refused);
      } else {
        expect(resume.code).toBe(0);
        if (expected.warns) expect(resume.stderr).toContain(`warning: ${expected.warns}`);
        const after = finishedIds(resume.stdout);
        expect(after.filter((id) => before.includes(id))).toEqual([]);
        expect(new Set(after).size).toBe(after.length);
        // The budget (4) counts every evaluation of the first run (3), lost lines included.
        expect(after).toHaveLength(1);
      }
      // Nothing was written outside the run folder.
      expect(readdirSync(work).filter((f) => !/^(runs|case-\d+)$/.test(f))).toEqual([]);

      for (const args of [
        ['front', dir],
        ['export', dir, '--candidate', '2', '--format', 'tfjs', '--out', join(dir, 'out')],
      ]) {
        const r = await cli(args, work);
        expect(r.stderr).not.toMatch(STACK);
        expect(DOCUMENTED).toContain(r.code);
        if (name.startsWith('settings')) expect(r.stderr).toContain('settings.json');
      }
      // Retrain needs a valid run; on a damaged settings file it must refuse before training.
      if (name.startsWith('settings') && !name.includes('FIFO')) {
        const r = unas(['retrain', dir, '--candidate', '2', '--epochs', '1']);
        expect(r.code).toBe(3);
        expect(r.stderr).toContain('settings.json');
        expect(r.stderr).not.toMatch(STACK);
      }
    }, 60_000);
  }
});

describe('hostile weights', () => {
  it('a weightsManifest path outside the weights folder is refused by export', async () => {
    const dir = damaged((d) => {
      const file = join(d, 'weights', '2', 'model.json');
      const m = JSON.parse(readFileSync(file, 'utf8'));
      m.weightsManifest[0].paths = ['../../settings.json'];
      writeFileSync(file, JSON.stringify(m));
    });
    const r = await cli(
      ['export', dir, '--candidate', '2', '--format', 'tfjs', '--out', join(dir, 'out')],
      work,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('weightsManifest[0].paths: "../../settings.json" is not a file inside');
    expect(existsSync(join(dir, 'out', 'model.json'))).toBe(false);
  });

  it('a model.json of the wrong type is refused by export, naming the file', async () => {
    const dir = damaged((d) => writeFileSync(join(d, 'weights', '2', 'model.json'), '[1,2]'));
    const r = await cli(
      ['export', dir, '--candidate', '2', '--format', 'tfjs', '--out', join(dir, 'out')],
      work,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('model.json: not a JSON object');
  });

  it('a FIFO for weights.bin is refused, not waited on', async () => {
    const dir = damaged((d) => fifo(join('weights', '2', 'weights.bin'))(d));
    const r = await cli(
      ['export', dir, '--candidate', '2', '--format', 'tfjs', '--out', join(dir, 'out')],
      work,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('is not a regular file');
  });
});
