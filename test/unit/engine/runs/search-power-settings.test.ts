import { describe, expect, it } from 'vitest';
import type { CandidateSummary } from '../../../../protocol/src/run-events.js';
import { rungErrorsOf } from '../../../../server/src/engine/runs/halving.js';
import { settingsProblem } from '../../../../server/src/engine/runs/run-folder-checks.js';
import { tinyConfig } from './runner-support.js';

describe('settings.json of a search with the search-power settings (untrusted on resume)', () => {
  const ok = JSON.parse(
    JSON.stringify(
      tinyConfig({
        strategy: 'time 10 min  halving epochs 1 keep 33% rungs 3',
        search:
          'convention unas  inherit { epochs 1 }  final { top 2  knees  epochs 5  time 90 s  distinct }',
      }),
    ),
  ) as Record<string, unknown> & { strategy: Record<string, unknown> };

  it('accepts what the resolver writes, and older runs without the settings', () => {
    expect(settingsProblem(ok)).toBeUndefined();
    const { convention: _c, final: _f, inherit: _i, ...older } = ok;
    expect(
      settingsProblem({ ...older, strategy: { ...ok.strategy, time: undefined, halving: undefined } }),
    ).toBeUndefined();
  });

  it.each([
    ['convention', { convention: 'keras' }, 'convention: not tflm or unas'],
    ['final', { final: { top: -1, epochs: 5 } }, 'final: not a final-phase setting'],
    ['final.knees', { final: { top: 1, epochs: 5, knees: 'yes' } }, 'final: not a final-phase setting'],
    ['final.time', { final: { top: 1, epochs: 5, time: -60 } }, 'final: not a final-phase setting'],
    ['final.distinct', { final: { top: 1, epochs: 5, distinct: 1 } }, 'final: not a final-phase setting'],
    ['inherit', { inherit: { epochs: 0 } }, 'inherit: not an inheritance setting'],
  ])('refuses a bad %s, naming the field', (_name, patch, message) => {
    expect(settingsProblem({ ...ok, ...patch })).toContain(message);
  });

  it.each([
    ['time', { time: -5 }, 'strategy.time'],
    ['halving.keep', { halving: { epochs: 1, subset: 0, keep: 1.5, rungs: 3 } }, 'strategy.halving'],
    ['halving.rungs', { halving: { epochs: 1, subset: 0, keep: 0.5, rungs: 1e9 } }, 'strategy.halving'],
  ])('refuses a bad strategy %s, naming the field', (_name, patch, field) => {
    expect(settingsProblem({ ...ok, strategy: { ...ok.strategy, ...patch } })).toContain(field);
  });

  it('reads only finite rung errors back from a journal', () => {
    const c = (x: unknown) => ({ rungErrors: x }) as unknown as CandidateSummary;
    expect(rungErrorsOf(c([0.3, 'x', null, 0.2]))).toEqual([0.3, 0.2]);
    expect(rungErrorsOf(c('nonsense'))).toEqual([]);
    expect(rungErrorsOf({ lowFidelityError: 0.4 } as CandidateSummary)).toEqual([0.4]);
  });
});
