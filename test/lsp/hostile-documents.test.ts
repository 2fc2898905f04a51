import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../server/src/engine/rng/seeded-rng.js';
import { HOSTILE_KINDS, hostileDocument } from '../harness/hostile-documents.js';
import { LspClient } from '../harness/lsp-client.js';

/**
 * Hostile documents through the real server: each one gets its diagnostics, every request on it
 * is answered, no feature fails, and the server survives. (bench/hardening.ts: 10,000 of them.)
 */

const PER_KIND = 4;

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start({
    initializationOptions: { quiescentNotification: true, diagnostics: { delayMs: 0 } },
  }));
});
afterAll(async () => {
  expect(await client.stop()).toBe(0);
});

describe('hostile documents through the protocol', () => {
  for (const kind of HOSTILE_KINDS) {
    it(`${PER_KIND} ${kind} documents: diagnostics, every request answered`, async () => {
      const rng = mulberry32(0xbad + kind.length);
      for (let i = 0; i < PER_KIND; i++) {
        const text = hostileDocument(rng, kind, 0.2);
        const uri = await client.open(text);
        const diagnostics = await client.diagnostics(uri, 1);
        if (kind === 'deep-nesting')
          expect(diagnostics.map((d) => d.message)).toContainEqual(
            expect.stringContaining('nested more than'),
          );
        const doc = client.doc(uri);
        const at = doc.positionAt(rng.int(text.length + 1));
        await Promise.all([
          client.hover(uri, at),
          client.completion(uri, at),
          client.inlayHints(uri),
          client.symbols(uri),
          client.semanticTokens(uri),
          client.folding(uri),
          client.codeLenses(uri),
          client.format(uri),
        ]);
        await client.close(uri);
      }
      expect(client.logs.filter((l) => l.includes('failed') || l.includes('uncaught'))).toEqual([]);
      expect(client.child.exitCode).toBeNull();
    }, 60_000);
  }
});
