import { describe, expect, it } from 'vitest';
import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import { frontJson, frontTable } from '../../../server/src/cli/front-table.js';

const candidate = (id: number, pruning?: CandidateSummary['pruning']): CandidateSummary => ({
  id,
  origin: 'random',
  status: 'trained',
  resources: { ram: 2048, arena: 4096, flash: 10240, macs: 20000, latency: 0.5 },
  error: 0.1,
  feasible: true,
  violations: [],
  model: 'model m {\n  input 8x8x1\n}\n',
  layers: [],
  ...(pruning ? { pruning } : {}),
});

describe('front table with pruning', () => {
  it('shows what pruning reached; unstructured flash stays dense, the non-zeros beside it', () => {
    const table = frontTable([
      candidate(1, { kind: 'unstructured', target: 0.9, sparsity: 0.9, nonZeroFlash: 3072 }),
      candidate(2, { kind: 'structured', target: 0.5, sparsity: 0.48 }),
    ]).split('\n');
    expect(table[0]).toMatch(/latency {2}.*pruned$/);
    expect(table[2]).toMatch(/10 KB .* 90% \(non-zeros 3 KB\)$/);
    expect(table[3]).toMatch(/48% structured$/);
    expect(frontJson([candidate(2, { kind: 'structured', target: 0.5, sparsity: 0.48 })])[0]).toMatchObject({
      pruning: { kind: 'structured' },
    });
  });

  it('has no pruned column when nothing was pruned', () => {
    expect(frontTable([candidate(1)]).split('\n')[0]).not.toMatch(/pruned/);
  });
});
