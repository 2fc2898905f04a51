import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Resources } from '../../../../protocol/src/run-events.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { cli } from '../../../support/cli.js';
import { runTiny, tinyConfig, tinyMnist } from './runner-support.js';

/** `unas estimate --json --convention C` of a candidate's model text, as the resources the search reports. */
async function estimated(model: string, convention: 'unas' | 'tflm'): Promise<Resources> {
  const dir = mkdtempSync(join(tmpdir(), 'unas-conv-'));
  writeFileSync(join(dir, 'c.unas'), model);
  const r = await cli(['estimate', 'c.unas', '--json', '--convention', convention], dir);
  expect(r.stderr).toBe('');
  const t = (JSON.parse(r.stdout) as { models: { estimate: { totals: Record<string, unknown> } }[] })
    .models[0]!.estimate.totals as {
    peakRam: number;
    arena: { total: number };
    flash: number;
    macs: number;
    latencyMs: number;
  };
  return { ram: t.peakRam, arena: t.arena.total, flash: t.flash, macs: t.macs, latency: t.latencyMs };
}

describe('convention unas | tflm in a search', () => {
  it('reports resources equal to `unas estimate --convention unas` of each candidate', async () => {
    const config = tinyConfig({ search: 'convention unas' });
    expect(config.convention).toBe('unas');
    const r = await runTiny(config);
    expect(r.events[0]).toMatchObject({ type: 'run-started', convention: 'unas' });
    const trained = r.finished.filter((c) => c.status === 'trained');
    expect(trained.length).toBeGreaterThan(4);
    let differs = 0;
    for (const c of trained.slice(0, 6)) {
      expect(c.resources).toEqual(await estimated(c.model, 'unas'));
      // The default convention counts int32 biases, scales and the flatbuffer: not what the search saw.
      if ((await estimated(c.model, 'tflm')).flash !== c.resources.flash) differs++;
    }
    expect(differs).toBeGreaterThan(0);
  });

  it('defaults to tflm, and says so in run-started', async () => {
    const config = tinyConfig();
    expect(config.convention).toBe('tflm');
    const r = await runTiny(config);
    expect(r.events[0]).toMatchObject({ type: 'run-started', convention: 'tflm' });
    const c = r.finished.find((x) => x.status === 'trained')!;
    expect(c.resources).toEqual(await estimated(c.model, 'tflm'));
  });

  it('`unas check` checks a search’s limits in the search’s own convention', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-conv-'));
    // The smallest network of the space needs a few hundred bytes in μNAS's accounting, but the
    // 784-byte input alone breaks 600 B in the deployable one.
    const text = tinyMnist.replace('ram <= 8 KB', 'ram <= 600 B');
    writeFileSync(join(dir, 'tflm.unas'), text);
    writeFileSync(join(dir, 'unas.unas'), text.replace(/\n}\s*$/, '\n  convention unas\n}\n'));
    const tflm = await cli(['check', 'tflm.unas'], dir);
    expect(tflm.stdout).toContain('no architecture of this search space meets ram <= 600 B');
    const own = await cli(['check', 'unas.unas'], dir);
    expect(own.stdout).not.toContain('no architecture');
  });

  it('rejects an unknown convention with its location', () => {
    const text = tinyMnist.replace(/\n}\s*$/, '\n  convention keras\n}\n');
    const a = analyze(text);
    expect(a.diagnostics.map((d) => [d.severity, d.message, d.start])).toEqual([
      ['error', expect.stringContaining("'keras'"), text.indexOf('keras')],
    ]);
  });
});
