import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { boardLookup } from '../../../../server/src/engine/language/board-lookup.js';
import { MAX_SYNTAX_ERRORS } from '../../../../server/src/engine/language/parser.js';
import { mulberry32 } from '../../../../server/src/engine/rng/seeded-rng.js';
import { createServices } from '../../../../server/src/services.js';
import { HOSTILE_KINDS, hostileDocument } from '../../../harness/hostile-documents.js';

/**
 * The engine on generated hostile documents (deep nesting, huge numbers, long tokens and lines,
 * huge documents, control characters, CRLF, junk): total, bounded output, located findings.
 * The bench (bench/hardening.ts) runs 10,000 of them through the language server.
 */

const PER_KIND = 20;

describe('hostile documents through analyze', () => {
  for (const kind of HOSTILE_KINDS) {
    it(`${PER_KIND} ${kind} documents`, () => {
      const rng = mulberry32(0x11 + kind.length);
      const boards = boardLookup();
      for (let i = 0; i < PER_KIND; i++) {
        const text = hostileDocument(rng, kind, 0.2);
        const a = analyze(text, { boards });
        // Syntax errors are capped; validation adds at most a few per statement.
        expect(a.diagnostics.length).toBeLessThan(MAX_SYNTAX_ERRORS + 20 + text.length / 4);
        for (const d of a.diagnostics) {
          expect(d.start).toBeGreaterThanOrEqual(0);
          expect(d.end).toBeLessThanOrEqual(text.length);
          expect(d.start).toBeLessThanOrEqual(d.end);
          expect(d.message.length).toBeLessThan(400);
        }
        // What the editor does next: estimate every model (a huge tensor once crashed V8 here).
        const resources = createServices().resources;
        for (const g of a.graphs.values()) resources.estimate(g, {});
        if (kind === 'deep-nesting' && text.length > 2000)
          expect(a.diagnostics.map((d) => d.message)).toContainEqual(
            expect.stringContaining('nested more than'),
          );
      }
    });
  }
});
