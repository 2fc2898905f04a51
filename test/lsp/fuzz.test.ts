import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position, TextDocumentContentChangeEvent, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLexer } from '../../server/src/engine/language/tokens.js';
import { mulberry32, type Rng } from '../../server/src/engine/rng/seeded-rng.js';
import { renderDiagnostics } from '../support/render-diagnostics.js';
import { boardLookup } from '../../server/src/engine/language/board-lookup.js';
import { EXAMPLES } from './support/engine.js';
import { LspClient, render } from '../harness/lsp-client.js';
import { FUZZ_VALUES } from '../harness/hostile-documents.js';

/**
 * Random incremental edits to the examples, interleaved with requests, through the protocol: the
 * server answers every request, never logs a failing feature, never exits, and its copy of each
 * document (built from incremental changes) is the client's.
 */

const EDITS = 2400;
const VOCAB = [
  '{',
  '}',
  '{ }',
  '..',
  '|',
  ',',
  ';',
  '%',
  '<=',
  '"',
  '"a"',
  '/*',
  '*/',
  '//',
  '\n',
  '\r\n',
  ' ',
  '  ',
  ...FUZZ_VALUES,
  'kb',
  'M',
  'search s {',
  'model m {',
  'add {',
  'path {',
  'space',
  'blocks 1..2',
  'conv2d 8 k3',
  'k99',
  's0',
  'baseline m',
  'dataset mnist',
  'target arduino-zero',
  'constraints { ram <= 1 KB }',
  'input 8x8x1',
  'μ',
  '\u0000',
  '\ud800',
  'NaN',
  'é',
  '\t',
];
const REQUESTS = [
  'hover',
  'completion',
  'inlay',
  'symbols',
  'format',
  'tokens',
  'folding',
  'lens',
  'actions',
  'signature',
  'definition',
  'references',
  'rename',
] as const;

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start({
    initializationOptions: { quiescentNotification: true, diagnostics: { delayMs: 1 } },
  }));
});
afterAll(async () => {
  expect(await client.stop()).toBe(0);
});

function randomEdit(rng: Rng, doc: TextDocument): TextDocumentContentChangeEvent {
  const text = doc.getText();
  const at = rng.int(text.length + 1);
  const pos = (o: number): Position => doc.positionAt(o);
  switch (rng.int(5)) {
    case 0:
      return { range: { start: pos(at), end: pos(Math.min(text.length, at + rng.int(30))) }, text: '' };
    case 1:
    case 2:
      return { range: { start: pos(at), end: pos(at) }, text: VOCAB[rng.int(VOCAB.length)]! };
    case 3: {
      const src = EXAMPLES[rng.int(EXAMPLES.length)]!.text;
      const from = rng.int(src.length);
      return {
        range: { start: pos(at), end: pos(Math.min(text.length, at + rng.int(10))) },
        text: src.slice(from, from + rng.int(80)),
      };
    }
    default:
      return {
        range: { start: pos(at), end: pos(Math.min(text.length, at + 1 + rng.int(3))) },
        text: String.fromCharCode(32 + rng.int(95)),
      };
  }
}

const lexer = createLexer();
const tokensOf = (text: string) =>
  lexer
    .tokenize(text)
    .tokens.map((t) => `${t.tokenType.name}:${t.image}`)
    .join(' ');

describe('fuzz through the protocol', () => {
  it(`${EDITS} random incremental edits interleaved with requests`, async () => {
    const rng = mulberry32(20251124);
    const uris = await Promise.all(EXAMPLES.map((e) => client.open(e.text)));
    let pending: Promise<void>[] = [];
    let answered = 0;
    let formattedChecked = 0;
    for (let i = 0; i < EDITS; i++) {
      const uri = uris[rng.int(uris.length)]!;
      const changes = [randomEdit(rng, client.doc(uri))];
      // Sometimes two changes in one notification: the second against the text after the first.
      if (rng.int(6) === 0)
        changes.push(
          randomEdit(
            rng,
            TextDocument.update(TextDocument.create(uri, 'unas', 0, client.doc(uri).getText()), changes, 1),
          ),
        );
      await client.change(uri, changes);
      if (rng.int(2) === 0) {
        const snapshot = client.doc(uri).getText();
        const d = TextDocument.create(uri, 'unas', 0, snapshot);
        const p = d.positionAt(rng.int(snapshot.length + 1));
        const kind = REQUESTS[rng.int(REQUESTS.length)]!;
        const request: Promise<unknown> = (() => {
          switch (kind) {
            case 'hover':
              return client.hover(uri, p);
            case 'completion':
              return client.completion(uri, p, rng.int(3) === 0 ? ' ' : undefined);
            case 'inlay':
              return client.inlayHints(uri);
            case 'symbols':
              return client.symbols(uri);
            case 'format':
              return client.format(uri).then((edits) => {
                // Formatting never changes the tokens.
                const after = TextDocument.applyEdits(d, (edits ?? []) as TextEdit[]);
                expect(tokensOf(after)).toBe(tokensOf(snapshot));
                formattedChecked++;
              });
            case 'tokens':
              return client.semanticTokens(uri).then((t) => expect(t!.data.length % 5).toBe(0));
            case 'folding':
              return client.folding(uri).then((f) => {
                for (const r of f ?? []) expect(r.endLine).toBeLessThan(d.lineCount);
              });
            case 'lens':
              return client.codeLenses(uri);
            case 'actions':
              return client.codeActions(uri, { start: p, end: p });
            case 'signature':
              return client.signatureHelp(uri, p);
            case 'definition':
              return client.definition(uri, p);
            case 'references':
              return client.references(uri, p);
            case 'rename':
              return client.rename(uri, p, 'renamed_x').catch(() => null);
          }
        })();
        pending.push(
          request.then(() => {
            answered++;
          }),
        );
      }
      if (i % 100 === 99) {
        await Promise.all(pending);
        pending = [];
        // The publisher keeps up: diagnostics for the current version arrive.
        await client.diagnostics(uri);
      }
    }
    await Promise.all(pending);
    expect(answered).toBeGreaterThan(EDITS / 3);
    expect(formattedChecked).toBeGreaterThan(10);

    // The server's copy of every document is the client's: its findings are the engine's on the client's text.
    for (const uri of uris) {
      const text = client.doc(uri).getText();
      const got = (await client.diagnostics(uri)).filter(
        (d) =>
          !/^(baseline-over|model-over|space-infeasible)/.test(String(d.code)) &&
          !(d.code === 'unknown-word' && d.severity === 2),
      );
      expect(render(got)).toEqual(renderDiagnostics(text, { boards: boardLookup() }));
    }
    expect(client.logs.filter((l) => l.includes('failed') || l.includes('uncaught'))).toEqual([]);
    expect(client.child.exitCode).toBeNull();
  });
});
