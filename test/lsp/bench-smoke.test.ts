import { describe, expect, it } from 'vitest';
import { benchLsp } from '../../bench/lsp.js';

// The benchmark itself runs in `npm run bench`; here only that it runs end to end (no timing asserted).
describe('bench/lsp.ts', () => {
  it('measures diagnostics and inlay-hint latency through the protocol', async () => {
    const r = await benchLsp({ iterations: 3, lines: 120 });
    expect(r['lines']).toBeGreaterThan(100);
    for (const k of ['didChangeToPublishDiagnosticsMs', 'inlayHintsAfterEditMs', 'inlayHintsUnchangedMs']) {
      expect((r[k] as { n: number; p95: number }).n).toBe(3);
      expect((r[k] as { p95: number }).p95).toBeGreaterThan(0);
    }
  });
});
