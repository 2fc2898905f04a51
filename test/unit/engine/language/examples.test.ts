import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../../support/render-diagnostics.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { boardLookup } from '../../../../server/src/engine/language/board-lookup.js';

const dir = join(__dirname, '../../../../examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.unas'));

describe('examples', () => {
  it('there are at least the four documented examples', () => {
    expect(files).toEqual(
      expect.arrayContaining(['mnist.unas', 'fashion-mnist.unas', 'cifar10.unas', 'tiny-budget.unas']),
    );
  });

  it.each(files)('%s parses and validates with zero diagnostics', (f) => {
    expect(renderDiagnostics(readFileSync(join(dir, f), 'utf8'), { boards: boardLookup() })).toEqual([]);
  });

  it.each(files)('%s has a search whose every model builds a graph', (f) => {
    const a = analyze(readFileSync(join(dir, f), 'utf8'), { boards: boardLookup() });
    expect(a.document.searches.length).toBeGreaterThan(0);
    for (const m of a.document.models) expect(a.graphs.get(m)?.nodes.length).toBeGreaterThan(1);
  });
});
