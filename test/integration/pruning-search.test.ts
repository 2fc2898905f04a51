import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CandidateSummary, RunEvent } from '../../protocol/src/run-events.js';
import { readTflite } from '../../server/src/engine/export/tflite-reader.js';
import { analyze } from '../../server/src/engine/language/analyze.js';
import { loadRun } from '../../server/src/engine/runs/run-store.js';
import { buildOnce } from '../support/build.js';
import { cli } from '../support/cli.js';
import { unasProcess } from '../support/cli-process.js';

/**
 * A real search with `strategy bayesian` and structured pruning, through the CLI: killed with
 * SIGKILL and resumed (nothing lost, nothing evaluated twice), every pruned candidate's recorded
 * resources equal `unas estimate` of its model text, and a pruned front member exports to a
 * `.tflite` of the smaller network.
 */
const SEARCH = `// Bayesian optimisation with structured pruning, small enough for a test.
search pruned {
  dataset mnist { subset 300  validation 5% }
  target nucleo-f746zg
  constraints { ram <= 16 KB  flash <= 32 KB }
  space {
    blocks 1..2 { layers 2 { op conv2d | conv1x1 | dwconv2d  kernel 3  stride 1 | 2  channels 4..16 } }
    pool none
    dense 1 { units 12..24 }
  }
  strategy bayesian { initial 4  rounds 8  workers 2  seed 5 }
  pruning { structured 30%..70%  epochs 1..2 }
  train { epochs 2  batch 64  optimizer adam  lr 0.01 }
}
`;

const finished = (events: readonly RunEvent[]): CandidateSummary[] =>
  events.flatMap((e) =>
    e.type === 'candidate-finished' &&
    e.candidate.status !== 'rejected' &&
    e.candidate.testError === undefined
      ? [e.candidate]
      : [],
  );

describe('bayesian search with structured pruning (CLI)', () => {
  let dir: string;
  let all: CandidateSummary[];
  let work: string;

  beforeAll(async () => {
    await buildOnce();
    work = mkdtempSync(join(tmpdir(), 'unas-pruned-'));
    const file = join(work, 'pruned.unas');
    writeFileSync(file, SEARCH);
    const runs = join(work, 'runs');
    const first = await unasProcess(['search', file, '--json', '--runs', runs, '--no-final'], 3);
    expect(first.signal).toBe('SIGKILL');
    dir = join(runs, readdirSync(runs)[0]!);
    const before = finished(first.events);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const second = await unasProcess(['search', '--resume', dir, '--json', '--no-final']);
    expect(second.code, second.stderr).toBe(0);
    const after = finished(second.events);
    all = [...before, ...after];
  }, 300_000);

  it('resumes after kill -9: nothing lost, nothing evaluated twice, the budget met exactly', async () => {
    const ids = all.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(8);
    const run = await loadRun(dir);
    expect(
      finished(run.events)
        .map((c) => c.id)
        .sort((a, b) => a - b),
    ).toEqual([...ids].sort((a, b) => a - b));
    // After the 4 random ones, the GP proposes.
    expect(all.some((c) => c.origin.startsWith('thompson: '))).toBe(true);
  });

  it('records each pruned candidate as the smaller network, priced exactly as `unas estimate` prices its model text', async () => {
    const trained = all.filter((c) => c.status === 'trained');
    expect(trained.length).toBeGreaterThan(0);
    for (const c of trained) {
      expect(c.pruning?.kind).toBe('structured');
      expect(c.pruning!.target).toBeGreaterThanOrEqual(0.3);
      expect(c.pruning!.target).toBeLessThanOrEqual(0.7);
    }
    // Something was actually removed somewhere (the dense layer is always prunable).
    expect(trained.some((c) => c.pruning!.sparsity > 0.2)).toBe(true);
    const file = join(work, 'models.unas');
    writeFileSync(file, trained.map((c) => c.model).join('\n'));
    const est = await cli(['estimate', file, '--json', '--board', 'nucleo-f746zg'], work);
    expect(est.code, est.stderr).toBe(0);
    const report = JSON.parse(est.stdout) as {
      models: {
        name: string;
        estimate: {
          totals: {
            peakRam: number;
            arena: { total: number };
            flash: number;
            macs: number;
            latencyMs: number;
          };
        };
      }[];
    };
    for (const c of trained) {
      const m = report.models.find((x) => x.name === `candidate_${c.id}`)!;
      const t = m.estimate.totals;
      expect({ id: c.id, ...c.resources }).toEqual({
        id: c.id,
        ram: t.peakRam,
        arena: t.arena.total,
        flash: t.flash,
        macs: t.macs,
        latency: t.latencyMs,
      });
    }
  });

  it('exports a pruned front member as the smaller network', async () => {
    const run = await loadRun(dir);
    const front = run.events.flatMap((e) => (e.type === 'front' ? [e.ids] : [])).at(-1) ?? [];
    const member = all.find((c) => front.includes(c.id) && (c.pruning?.sparsity ?? 0) > 0);
    if (!member) throw new Error(`no pruned member in the front ${front.join(', ')}`);
    const out = join(work, 'export');
    const r = await cli(
      ['export', dir, '--candidate', String(member.id), '--format', 'tflite', '--out', out],
      work,
    );
    expect(r.code, r.stderr).toBe(0);
    const tflite = readdirSync(out).find((f) => f.endsWith('.tflite'))!;
    const model = readTflite(new Uint8Array(readFileSync(join(out, tflite))));
    // Every conv and dense of the model text appears with its (pruned) output channels.
    const a = analyze(member.model);
    const graph = a.graphs.get(a.document.models[0]!)!;
    const widths = graph.nodes.flatMap((n) =>
      n.op.kind === 'conv2d' ? [n.op.filters] : n.op.kind === 'dense' ? [n.op.units] : [],
    );
    const weights = model.operators
      .filter((o) => o.op === 'CONV_2D' || o.op === 'FULLY_CONNECTED')
      .map((o) => model.tensors[o.inputs[1]!]!.shape[0]);
    expect(weights).toEqual(widths);
  });
});
