import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../server/src/engine/rng/seeded-rng.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';

describe('SerialisableRng', () => {
  it('draws the project generator’s sequence', () => {
    const a = mulberry32(99);
    const b = new SerialisableRng(99);
    for (let i = 0; i < 100; i++) expect(b.next()).toBe(a.next());
    expect(b.int(10)).toBe(a.int(10));
  });

  it('continues exactly from a saved state', () => {
    const a = new SerialisableRng(7);
    for (let i = 0; i < 1234; i++) a.next();
    const b = SerialisableRng.restore(JSON.parse(JSON.stringify(a.state())));
    for (let i = 0; i < 100; i++) expect(b.next()).toBe(a.next());
    expect(b.state()).toEqual(a.state());
  });

  it('refuses a malformed state', () => {
    expect(() => SerialisableRng.restore({ seed: 1, draws: -1 })).toThrow(/invalid rng state/);
  });
});
