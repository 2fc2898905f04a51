import { describe, expect, it } from 'vitest';
import { resolveSearch } from '../../../../server/src/engine/config/resolve-search.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { renderDiagnostics } from '../../../support/render-diagnostics.js';
import { inSpace, spaceViolations } from '../../../../server/src/engine/search/in-space.js';
import { legalMorphs, morphEdits, mutate } from '../../../../server/src/engine/search/morphisms.js';
import { sampleGenotype } from '../../../../server/src/engine/search/sample.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';
import { SPACES } from './fixtures.js';

/** The sparsity gene of pruning searches: how it is written, drawn, mutated and checked. */
const SEARCH = `search s {
  dataset mnist
  space { }
  pruning { structured 10%..80%  epochs 3..18  every 8 }
  strategy bayesian { initial 12  rounds 50 }
  train { epochs 20 }
}`;

function resolved(text: string) {
  const a = analyze(text);
  const r = resolveSearch(a.document, a.document.searches[0]!, '/data/x/a.unas');
  if (!r.ok) throw new Error(r.errors.join());
  return r.config;
}

describe('pruning in the language', () => {
  it('resolves the pruning block and the bayesian strategy', () => {
    const c = resolved(SEARCH);
    expect(c.space.pruning).toEqual({
      kind: 'structured',
      sparsity: { min: 0.1, max: 0.8 },
      start: 3,
      end: 18,
      every: 8,
    });
    expect(c.strategy).toMatchObject({ kind: 'bayesian', initial: 12, rounds: 50 });
  });

  it('applies defaults: the range of the kind, a window from epoch 2 to three quarters of training', () => {
    const c = resolved(
      'search s {\n  dataset mnist\n  space { }\n  pruning { unstructured }\n  train { epochs 8 }\n}',
    );
    expect(c.space.pruning).toEqual({
      kind: 'unstructured',
      sparsity: { min: 0.2, max: 0.98 },
      start: 2,
      end: 6,
      every: 16,
    });
  });

  it('reports bad pruning blocks with their location', () => {
    expect(
      renderDiagnostics(
        'search s {\n  dataset mnist\n  space { }\n  pruning { structured 80%..10%  unstructured 5% }\n  train { epochs 4 }\n}',
      ),
    ).toEqual([
      '4:24-4:32 error empty range: the first sparsity must not exceed the second',
      '4:34-4:46 error pruning is already structured: choose structured or unstructured',
    ]);
    expect(
      renderDiagnostics(
        'search s {\n  dataset mnist\n  space { }\n  pruning { structured 120% epochs 6..9 }\n  train { epochs 4 }\n}',
      ),
    ).toEqual([
      '4:24-4:28 error structured must be between 0% and 99%',
      '4:36-4:40 error the pruning window starts after training ends (epoch 4)',
    ]);
  });
});

describe('strategy bayesian in the language', () => {
  it('warns about settings it ignores', () => {
    expect(
      renderDiagnostics(
        'search s {\n  dataset mnist\n  space { }\n  strategy bayesian { population 10  initial 5 }\n}',
      ),
    ).toEqual([
      '4:34-4:36 warning Bayesian optimisation has no population or sample (it uses `initial`); they are ignored',
    ]);
    expect(
      renderDiagnostics('search s {\n  dataset mnist\n  space { }\n  strategy evolution { initial 5 }\n}'),
    ).toEqual(['4:32-4:33 warning `initial` is for strategy bayesian; it is ignored']);
  });
});

describe('the sparsity gene', () => {
  const space = {
    ...SPACES.mnist!,
    pruning: { kind: 'structured' as const, sparsity: { min: 0.1, max: 0.8 }, start: 1, end: 2, every: 16 },
  };

  it('is drawn uniformly from the range, and only in pruning searches', () => {
    const rng = new SerialisableRng(3);
    const s = Array.from({ length: 400 }, () => sampleGenotype(space, rng).sparsity!);
    expect(Math.min(...s)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...s)).toBeLessThanOrEqual(0.8);
    const mean = s.reduce((a, b) => a + b) / s.length;
    expect(mean).toBeGreaterThan(0.41);
    expect(mean).toBeLessThan(0.49);
    expect(sampleGenotype(SPACES.mnist!, new SerialisableRng(3)).sparsity).toBeUndefined();
  });

  it('mutates by N(0, 0.05), clipped to the range, as one of the morphs', () => {
    const rng = new SerialisableRng(5);
    const g = { ...sampleGenotype(space, rng), sparsity: 0.78 };
    const edit = morphEdits(g, space).find((e) => e.label === 'sparsity: mutate')!;
    const steps = Array.from({ length: 300 }, () => edit.realise(rng).child.sparsity!);
    expect(Math.max(...steps)).toBeLessThanOrEqual(0.8);
    // Clipping piles the draws above 0.8 at the bound: about a third of N(0.78, 0.05) is above it.
    const atMax = steps.filter((s) => s === 0.8).length / steps.length;
    expect(atMax).toBeGreaterThan(0.25);
    expect(atMax).toBeLessThan(0.42);
    const below = steps.filter((s) => s < 0.8).map((s) => s - 0.78);
    const sd = Math.sqrt(below.reduce((a, d) => a + d * d, 0) / below.length);
    expect(sd).toBeGreaterThan(0.03);
    expect(sd).toBeLessThan(0.07);
    // A sparsity morph changes only the gene: the child is still a different candidate, and mutate draws it.
    expect(legalMorphs(g, space, rng).some((m) => m.label.startsWith('sparsity'))).toBe(true);
    const labels = Array.from({ length: 400 }, () => mutate(g, space, rng)?.label ?? '');
    expect(labels.some((l) => /^sparsity 78\.0% → /.test(l))).toBe(true);
  });

  it('is checked against the range', () => {
    const g = sampleGenotype(space, new SerialisableRng(2));
    expect(inSpace(g, space)).toBe(true);
    expect(spaceViolations({ ...g, sparsity: 0.9 }, space)).toEqual(['sparsity 0.9 is outside 0.1..0.8']);
    expect(spaceViolations(g, SPACES.mnist!)).toEqual([
      `sparsity ${g.sparsity} but the search does not prune`,
    ]);
  });
});
