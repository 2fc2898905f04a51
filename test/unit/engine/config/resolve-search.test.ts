import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { MUNAS_SPACE, resolveSearch } from '../../../../server/src/engine/config/resolve-search.js';

const examples = join(__dirname, '../../../../examples');

function resolveText(text: string, file = '/project/x/a.unas') {
  const a = analyze(text);
  return resolveSearch(a.document, a.document.searches[0]!, file);
}

describe('resolveSearch', () => {
  it('applies μNAS defaults to an empty space and the default board', () => {
    const r = resolveText('search s {\n  dataset mnist\n  space { }\n}');
    if (!r.ok) throw new Error(r.errors.join());
    const c = r.config;
    expect(c.space).toEqual({ ...MUNAS_SPACE, input: [28, 28, 1], classes: 10 });
    expect(c.target.board).toBe('nucleo-f746zg');
    expect(c.objectives).toEqual(['error', 'ram', 'flash', 'macs']);
    expect(c.strategy).toEqual({
      kind: 'evolution',
      population: 100,
      sample: 25,
      rounds: 2000,
      workers: 0,
      seed: 0,
    });
    expect(c.train).toMatchObject({ epochs: 10, batch: 128, optimizer: 'adam', lr: 0.001 });
    // The board's capacity less its reserve is a hard limit.
    expect(c.constraints.filter((x) => x.from === 'board').map((x) => x.metric)).toEqual(['arena', 'flash']);
  });

  it('takes the kernel library from the target; without it the arena uses the core default', () => {
    const with_ = resolveText(
      'search s {\n  dataset mnist\n  target nucleo-f746zg { kernels reference }\n  space { }\n}',
    );
    const without = resolveText('search s {\n  dataset mnist\n  target nucleo-f746zg\n  space { }\n}');
    if (!with_.ok || !without.ok) throw new Error('does not resolve');
    expect(with_.config.target.kernels).toBe('reference');
    expect(without.config.target.kernels).toBeUndefined();
    const custom = resolveText(
      'search s {\n  dataset mnist\n  target custom { core cortex-m4  clock 80 MHz  ram 128 KB  flash 512 KB  kernels cmsis-nn }\n  space { }\n}',
    );
    if (!custom.ok) throw new Error(custom.errors.join());
    expect(custom.config.target.kernels).toBe('cmsis-nn');
  });

  it('converts units: KB = 1024 B, M = 10^6, latency in ms, error as a fraction', () => {
    const r = resolveText(
      'search s {\n  dataset mnist\n  space { }\n  constraints { ram <= 8 KB  macs <= 2 M soft  latency <= 50 ms  error <= 3% }\n}',
    );
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.constraints.filter((x) => x.from === 'file')).toEqual([
      { metric: 'ram', limit: 8192, mode: 'hard', from: 'file' },
      { metric: 'macs', limit: 2e6, mode: 'soft', from: 'file' },
      { metric: 'latency', limit: 50, mode: 'hard', from: 'file' },
      { metric: 'error', limit: 0.03, mode: 'hard', from: 'file' },
    ]);
  });

  it('resolves relative dataset paths against the file and keeps baseline text', () => {
    const r = resolveText(readFileSync(join(examples, 'cifar10.unas'), 'utf8'), '/data/proj/cifar10.unas');
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.dataset.spec).toMatchObject({
      kind: 'cifar10',
      path: '/data/proj/data/cifar-10-batches-bin',
      binary: false,
    });
    expect(r.config.space.layer.padding.map((p) => p.value)).toEqual(['valid', 'same']);
    expect(r.config.baselines.map((b) => b.name)).toEqual(['ds_cnn']);
    expect(r.config.baselines[0]!.text).toMatch(/^model ds_cnn \{[^]*softmax\n\}$/);
    expect(r.config.dataset.augment).toEqual({ shift: 4, flip: true });
  });

  it('resolves every example', () => {
    for (const f of ['mnist.unas', 'fashion-mnist.unas', 'cifar10.unas', 'tiny-budget.unas']) {
      const r = resolveText(readFileSync(join(examples, f), 'utf8'), join(examples, f));
      expect(r.ok, f).toBe(true);
    }
  });

  it('says what is missing instead of guessing', () => {
    const r = resolveText('search s {\n  space { }\n}');
    expect(r).toEqual({ ok: false, errors: ["search 's' has no dataset"] });
  });
});
