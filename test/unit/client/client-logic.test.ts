import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, manifestCommands, manifestPaletteMenus } from '../../../client/src/commands.js';
import { readClientSettings } from '../../../protocol/src/settings.js';
import { discoverRuns, isInside, readRunEvents } from '../../../client/src/runs.js';
import { retrainArgs, searchArgs, searchNames } from '../../../client/src/search-args.js';
import { parseEventLine } from '../../../client/src/search-process.js';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: {
    commands: unknown[];
    menus: { commandPalette: unknown[] };
    configuration: { properties: Record<string, unknown> };
  };
};

describe('command table', () => {
  it('is exactly what the manifest contributes, all under the μNAS category', () => {
    expect(manifest.contributes.commands).toEqual(manifestCommands());
    expect(manifest.contributes.menus.commandPalette).toEqual(manifestPaletteMenus());
    expect(new Set(COMMANDS.map((c) => c.id)).size).toBe(COMMANDS.length);
  });

  it('requires trust for the commands that run training or write files', () => {
    expect(
      COMMANDS.filter((c) => c.trusted)
        .map((c) => c.id)
        .sort(),
    ).toEqual(['unas.exportModel', 'unas.resumeSearch', 'unas.startSearch']);
  });
});

describe('settings', () => {
  const get = (values: Record<string, unknown>) => ({
    get: <T>(k: string, d?: T) => (k in values ? (values[k] as T) : d) as T,
  });
  it('reads defaults and rejects bad values', () => {
    expect(readClientSettings(get({}))).toEqual({
      backend: 'auto',
      workers: 0,
      runsFolder: '.unas/runs',
      inlayHints: true,
      queue: '',
    });
    expect(readClientSettings(get({ 'training.backend': 'gpu', 'training.workers': -3 }))).toMatchObject({
      backend: 'auto',
      workers: 0,
    });
    expect(readClientSettings(get({ 'training.backend': 'wasm', 'training.workers': 4 }))).toMatchObject({
      backend: 'wasm',
      workers: 4,
    });
  });
  it('every setting read is declared in the manifest under unas.*', () => {
    expect(Object.keys(manifest.contributes.configuration.properties).sort()).toEqual([
      'unas.diagnostics.delayMs',
      'unas.inlayHints.enabled',
      'unas.runsFolder',
      'unas.training.backend',
      'unas.training.queue',
      'unas.training.workers',
    ]);
  });
});

const readSettingsQueue = (queue: string) =>
  readClientSettings({ get: <T>(k: string, d: T) => (k === 'training.queue' ? (queue as T) : d) }).queue;

describe('search arguments', () => {
  const settings = {
    backend: 'wasm' as const,
    workers: 2,
    runsFolder: '.unas/runs',
    inlayHints: true,
    queue: '',
  };
  it('builds the CLI call for a new and a resumed search', () => {
    expect(searchArgs({ file: '/w/a.unas', search: 'mnist', runsRoot: '/w/.unas/runs', settings })).toEqual([
      'search',
      '/w/a.unas',
      '--search',
      'mnist',
      '--json',
      '--runs',
      '/w/.unas/runs',
      '--backend',
      'wasm',
      '--workers',
      '2',
    ]);
    expect(
      searchArgs({
        resume: '/w/.unas/runs/x',
        runsRoot: '/w/.unas/runs',
        settings: { ...settings, workers: 0 },
      }),
    ).toEqual([
      'search',
      '--resume',
      '/w/.unas/runs/x',
      '--json',
      '--runs',
      '/w/.unas/runs',
      '--backend',
      'wasm',
    ]);
    // With a training queue, the CLI coordinates `unas worker`s instead of local processes.
    expect(
      searchArgs({
        resume: '/w/.unas/runs/x',
        runsRoot: '/w/.unas/runs',
        settings: { ...settings, workers: 0, queue: 'redis://gpu-box:6379' },
      }).slice(-2),
    ).toEqual(['--queue', 'redis://gpu-box:6379']);
    expect(readSettingsQueue('  rediss://h:1  ')).toBe('rediss://h:1');
  });
  it('finds the searches of a file', () => {
    expect(searchNames('search a {\n}\n  search b-2 { }\nmodel search { }')).toEqual(['a', 'b-2']);
  });
  it("builds the CLI call for the panel's re-train, with --warm only when asked", () => {
    const call = (warm: boolean) =>
      retrainArgs({ run: '/w/.unas/runs/x', id: 7, epochs: 40, warm, settings });
    expect(call(false)).toEqual([
      'retrain',
      '/w/.unas/runs/x',
      '--candidate',
      '7',
      '--epochs',
      '40',
      '--json',
      '--backend',
      'wasm',
    ]);
    expect(call(true).filter((a) => a.startsWith('--'))).toEqual([
      '--candidate',
      '--epochs',
      '--warm',
      '--json',
      '--backend',
    ]);
  });
});

describe('event lines from the search process', () => {
  it('accepts valid events and rejects the rest with a reason', () => {
    expect(parseEventLine('{"type":"log","level":"info","message":"hi"}')).toEqual({
      ok: true,
      value: { type: 'log', level: 'info', message: 'hi' },
    });
    expect(parseEventLine('not json')).toEqual({ ok: false, error: 'not JSON' });
    expect(parseEventLine('{"type":"front","ids":[1,"x"],"hypervolume":1}')).toEqual({
      ok: false,
      error: "front: bad or missing 'ids'",
    });
    // --json prints events only: anything else is reported as a log line, never special-cased.
    expect(parseEventLine('{"type":"summary"}')).toEqual({
      ok: false,
      error: "unknown event type 'summary'",
    });
  });
});

describe('run discovery', () => {
  it('lists run folders with their progress, skipping others and torn lines', async () => {
    const root = mkdtempSync(join(tmpdir(), 'unas-runs-'));
    const a = join(root, 'mnist-1');
    mkdirSync(a);
    writeFileSync(join(a, 'settings.json'), JSON.stringify({ version: 1, name: 'mnist' }));
    const cand = (id: number, status: string) =>
      JSON.stringify({
        type: 'candidate-finished',
        time: 't',
        candidate: {
          id,
          status,
          origin: 'random',
          resources: { ram: 1, arena: 1, flash: 1, macs: 1, latency: 1 },
          feasible: true,
          violations: [],
          model: 'model m {}',
          layers: [],
        },
      });
    writeFileSync(
      join(a, 'events.jsonl'),
      `${cand(0, 'trained')}\n${cand(1, 'failed')}\n${cand(2, 'rejected')}\n{"type":"run-fin`,
    );
    mkdirSync(join(root, 'not-a-run'));
    const runs = await discoverRuns(root);
    expect(runs.map((r) => [r.name, r.search, r.evaluated, r.finished])).toEqual([
      ['mnist-1', 'mnist', 2, false],
    ]);
    expect((await readRunEvents(a)).warnings).toEqual([
      'events.jsonl:4: incomplete last line (the run was interrupted while writing it); skipped',
    ]);
    expect(await discoverRuns(join(root, 'missing'))).toEqual([]);
  });

  it('keeps paths from messages inside the runs folder', () => {
    expect(isInside('/w/.unas/runs', '/w/.unas/runs/a')).toBe(true);
    expect(isInside('/w/.unas/runs', '/w/.unas/runs-evil/a')).toBe(false);
    expect(isInside('/w/.unas/runs', '/etc/passwd')).toBe(false);
    expect(isInside('/w/.unas/runs', '/w/.unas/runs/../../etc')).toBe(false);
  });
});
