import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverRuns } from '../../../../client/src/runs.js';
import { evaluatedCount, foldRunEvents, frontCandidates } from '../../../../protocol/src/run-state.js';
import { findRunCandidate } from '../../../../server/src/engine/export/run-candidate.js';
import { loadRun } from '../../../../server/src/engine/runs/run-store.js';
import { buildOnce } from '../../../support/build.js';
import { cli } from '../../../support/cli.js';

/**
 * Run folders written by real runs, kept as compatibility fixtures (test/fixtures/runs/README.md):
 * `v0-7995e85` by the first version that searched (its board limit is a `ram` constraint, its
 * flash figures from older conventions, its front re-trained with test errors), `torn` by this
 * version and cut mid-line as a kill during a write leaves it.
 */
const repo = join(__dirname, '../../../..');
const runs = join(repo, 'test/fixtures/runs');
const OLD = join(runs, 'v0-7995e85');
const TORN = join(runs, 'torn');

describe('a run folder of the first version', () => {
  it('loads without warnings and folds to its front, with the final test errors', async () => {
    const run = await loadRun(OLD);
    expect(run.warnings).toEqual([]);
    expect(run.config.constraints.map((c) => `${c.metric} ${c.from}`)).toContain('ram board');
    const state = foldRunEvents(run.events);
    expect([evaluatedCount(state), state.front, state.finished?.reason]).toEqual([5, [2, 3, 4, 5], 'done']);
    for (const c of frontCandidates(state)) expect(c.testError).toBeGreaterThan(0);
  });

  it('unas front prints its front', async () => {
    const r = await cli(['front', OLD, '--json'], runs);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const front = JSON.parse(r.stdout) as { evaluated: number; front: { id: number }[] };
    expect([front.evaluated, front.front.map((c) => c.id)]).toEqual([5, [2, 3, 4, 5]]);
  });

  it('exports a front member: its model text parses, its weights load', async () => {
    const c = await findRunCandidate(OLD, 2);
    expect(c.graph.nodes.length).toBeGreaterThan(2);
    const out = mkdtempSync(join(tmpdir(), 'unas-old-export-'));
    const r = await cli(['export', OLD, '--candidate', '2', '--format', 'tfjs', '--out', out], runs);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const model = JSON.parse(readFileSync(join(out, 'tfjs/model.json'), 'utf8')) as {
      modelTopology: unknown;
    };
    expect(model.modelTopology).toBeTruthy();
  });
});

describe('a run folder of the first version, resumed', () => {
  beforeAll(buildOnce, 120_000);

  it('restores its strategy (a snapshot under the old strategy name) and ends the run properly', async () => {
    const root = mkdtempSync(join(tmpdir(), 'unas-old-'));
    const dir = join(root, 'v0');
    cpSync(OLD, dir, { recursive: true });
    const before = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    const args = ['search', '--resume', dir, '--budget', '5', '--json', '--no-final', '--workers', '1'];
    const r = spawnSync(process.execPath, [join(repo, 'bin/unas.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const after = await loadRun(dir);
    expect(after.warnings).toEqual([]);
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8').startsWith(before)).toBe(true);
    expect(foldRunEvents(after.events).finished?.reason).toBe('done');
    expect(evaluatedCount(foldRunEvents(after.events))).toBe(5);
  });
});

describe('a run folder whose last event was torn by a kill', () => {
  beforeAll(buildOnce, 120_000);

  it('loads with one warning, and reads as stopped, not finished', async () => {
    const run = await loadRun(TORN);
    const lines = readFileSync(join(TORN, 'events.jsonl'), 'utf8').split('\n');
    expect(run.warnings).toEqual([
      `events.jsonl:${lines.length}: incomplete last line (the run was interrupted while writing it); skipped`,
    ]);
    expect(run.events).toHaveLength(lines.length - 1);
    const state = foldRunEvents(run.events);
    expect([evaluatedCount(state), state.front.length, state.finished]).toEqual([5, 4, undefined]);
  });

  it('the runs view lists it as resumable, and resuming appends on a fresh line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'unas-torn-'));
    cpSync(TORN, join(root, 'torn'), { recursive: true });
    const listed = await discoverRuns(root);
    expect(listed.map((r) => [r.name, r.evaluated, r.finished])).toEqual([['torn', 5, false]]);
    // Resumed with the budget it ran with (5, spent): it trains nothing and ends the run properly.
    const dir = join(root, 'torn');
    const args = ['search', '--resume', dir, '--budget', '5', '--json', '--no-final', '--workers', '1'];
    // The bundled CLI, whose training workers are bundled next to it.
    const r = spawnSync(process.execPath, [join(repo, 'bin/unas.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    expect([r.status, r.stderr]).toEqual([0, expect.stringContaining('incomplete last line')]);
    const after = await loadRun(join(root, 'torn'));
    expect(after.warnings).toHaveLength(1);
    expect(foldRunEvents(after.events).finished?.reason).toBe('done');
  });
});
