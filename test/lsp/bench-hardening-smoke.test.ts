import { describe, expect, it } from 'vitest';
import { benchHardening } from '../../bench/hardening.js';

// The benchmark runs in `npm run bench hardening`; here only that it runs end to end, on a few inputs.
describe('bench/hardening.ts', () => {
  it('measures hostile documents, malformed frames and the edit load', async () => {
    const r = (await benchHardening({
      documents: 16,
      scale: 0.05,
      frames: 2,
      loadSeconds: 1,
      settleMs: 0,
    })) as {
      hostileDocuments: {
        documents: number;
        unansweredWithin5s: number;
        serverAlive: boolean;
        rssRatio: number;
      };
      malformedFrames: { frames: number; asExpected: number };
      editLoad: { edits: number; editsWithDiagnostics: number };
    };
    expect(r.hostileDocuments).toMatchObject({ documents: 16, unansweredWithin5s: 0, serverAlive: true });
    expect(r.hostileDocuments.rssRatio).toBeGreaterThan(0);
    expect(r.malformedFrames).toEqual(expect.objectContaining({ frames: 2, asExpected: 2 }));
    expect(r.editLoad.editsWithDiagnostics).toBe(r.editLoad.edits);
  }, 120_000);
});
