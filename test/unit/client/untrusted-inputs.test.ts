import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confinedRun, discoverRuns, isInside, readRunEvents } from '../../../client/src/runs.js';
import { checkPanelMessage } from '../../../protocol/src/validate.js';
import { LENS_COMMANDS } from '../../../server/src/lsp/code-lens.js';

/** The extension's untrusted inputs: run folders from webview state or messages, and workspace settings. */

const root = join(__dirname, '../../..');

describe('run folders named by a restored panel or a message', () => {
  const w = mkdtempSync(join(tmpdir(), 'unas-confine-'));
  const runs = join(w, '.unas', 'runs');
  const outside = join(w, 'elsewhere');
  mkdirSync(join(runs, 'mnist-1'), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, join(runs, 'evil'));

  it('a symlink inside the runs folder that leads out of it is refused (text comparison let it through)', () => {
    expect(isInside(runs, join(runs, 'evil'))).toBe(true);
    expect(confinedRun([runs], join(runs, 'evil'))).toBeUndefined();
  });

  it('accepts a real run folder inside a runs folder, and nothing else', () => {
    expect(confinedRun([runs], join(runs, 'mnist-1'))).toBe(join(runs, 'mnist-1'));
    for (const bad of [
      runs,
      outside,
      join(runs, '..', '..'),
      join(runs, 'missing'),
      '',
      42,
      null,
      { run: runs },
    ])
      expect(confinedRun([runs], bad)).toBeUndefined();
  });
});

describe('messages from the search panel', () => {
  it('retrain: warm is false when absent, kept when a boolean', () => {
    expect(checkPanelMessage({ type: 'retrain', id: 3, epochs: 40 })).toEqual({
      ok: true,
      value: { type: 'retrain', id: 3, epochs: 40, warm: false },
    });
    expect(checkPanelMessage({ type: 'retrain', id: 3, epochs: 40, warm: true })).toEqual({
      ok: true,
      value: { type: 'retrain', id: 3, epochs: 40, warm: true },
    });
  });

  it('retrain: a bad id, epochs or warm is refused with the field named', () => {
    const retrain = (m: object) => checkPanelMessage({ type: 'retrain', id: 3, epochs: 40, ...m });
    expect(retrain({ id: -1 })).toEqual({ ok: false, error: 'retrain: id must be a candidate number' });
    expect(retrain({ epochs: 0 })).toEqual({ ok: false, error: 'retrain: epochs must be 1..10000' });
    for (const warm of ['true', 1, null, {}])
      expect(retrain({ warm })).toEqual({ ok: false, error: 'retrain: warm must be true or false' });
  });
});

describe('run folders holding FIFOs', () => {
  it('are listed without reading them, and their journal reads as empty', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'unas-fifo-runs-'));
    mkdirSync(join(runs, 'a'));
    mkdirSync(join(runs, 'b'));
    execFileSync('mkfifo', [join(runs, 'a', 'settings.json'), join(runs, 'b', 'events.jsonl')]);
    execFileSync('touch', [join(runs, 'b', 'settings.json')]);
    expect((await discoverRuns(runs)).map((r) => r.name)).toEqual(['b']);
    expect(await readRunEvents(join(runs, 'b'))).toEqual({ events: [], warnings: [] });
  });
});

describe('manifest and docs', () => {
  it('unas.runsFolder is a restricted setting: an untrusted workspace cannot point it anywhere', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations).toContain('unas.runsFolder');
  });

  it('docs/editors.md lists exactly the code lens commands the server offers', () => {
    const doc = readFileSync(join(root, 'docs/editors.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Commands named by code lenses'));
    const table = section.slice(0, section.indexOf('\n###'));
    const listed = [...table.matchAll(/^\| [^|]+ \| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(Object.values(LENS_COMMANDS)));
  });
});
