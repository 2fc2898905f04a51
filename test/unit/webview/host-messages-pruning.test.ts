import { describe, expect, it } from 'vitest';
import { checkHostMessage } from '../../../webview/src/host-messages.js';

const candidate = (pruning: unknown) => ({
  id: 1,
  origin: 'random',
  status: 'trained',
  resources: { ram: 1, arena: 1, flash: 1, macs: 1, latency: 1 },
  feasible: true,
  violations: [],
  model: '',
  layers: [],
  pruning,
});

describe('candidates with pruning, from the host', () => {
  it('keep a well-formed pruning record; an event with a malformed one is dropped at the boundary', () => {
    const good = { kind: 'unstructured', target: 0.9, sparsity: 0.88, nonZeroFlash: 1200 };
    const r = checkHostMessage({
      type: 'events',
      events: [
        { type: 'candidate-finished', candidate: candidate(good), time: 't' },
        { type: 'candidate-finished', candidate: candidate({ kind: 'both', sparsity: 'x' }), time: 't' },
      ],
    });
    if (!r.ok) throw new Error(r.error);
    const events = (r.value.message as unknown as { events: { candidate: Record<string, unknown> }[] })
      .events;
    expect(events[0]?.candidate.pruning).toEqual(good);
    expect(events).toHaveLength(1);
    expect(r.value.dropped).toHaveLength(1);
  });
});
