import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { LspClient, render } from '../harness/lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  await client.stop();
});

const BROKEN = `search s {
  datset mnist
  constraints { flash <= 16 }
  space { blocks 5..1 }
}
`;

/** One case per certain fix: the diagnostic code, the action title, and the line after the fix. */
const CASES: readonly [string, string, string][] = [
  ['unknown-word', "Change to 'dataset'", '  dataset mnist'],
  ['unit', "Add unit 'KB'", '  constraints { flash <= 16 KB }'],
  ['empty-range', 'Swap to 1..5', '  space { blocks 1..5 }'],
];

describe('quick fixes', () => {
  it.each(CASES)('%s: %s', async (code, title, fixed) => {
    const uri = await client.open(BROKEN);
    const diagnostics = await client.diagnostics(uri, 1);
    const d = diagnostics.find((x) => x.code === code)!;
    expect(d).toBeDefined();
    const actions = await client.codeActions(uri, d.range, [d]);
    const action = actions?.find((a) => a.title === title);
    expect(action?.kind).toBe('quickfix');
    expect(action?.isPreferred).toBe(true);
    expect(action?.diagnostics).toEqual([d]);
    const edits = action!.edit!.changes![uri] as TextEdit[];
    expect(edits).toEqual((d.data as { fix: { edits: TextEdit[] } }).fix.edits);
    const v = await client.applyEdits(uri, edits);
    const line = d.range.start.line;
    expect(client.doc(uri).getText().split('\n')[line]).toBe(fixed);
    expect(
      (await client.diagnostics(uri, v)).some((x) => x.code === code && x.range.start.line === line),
    ).toBe(false);
    await client.close(uri);
  });

  it('source.fixAll applies every certain fix at once', async () => {
    const uri = await client.open(BROKEN);
    await client.diagnostics(uri, 1);
    const [all] =
      (await client.codeActions(
        uri,
        { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        [],
        ['source.fixAll'],
      )) ?? [];
    expect(all?.kind).toBe('source.fixAll');
    const v = await client.applyEdits(uri, all!.edit!.changes![uri] as TextEdit[]);
    expect(render(await client.diagnostics(uri, v))).toEqual([]);
  });

  it('nothing for other kinds or where nothing is fixable', async () => {
    const uri = await client.open(BROKEN);
    const d = (await client.diagnostics(uri, 1))[0]!;
    expect(await client.codeActions(uri, d.range, [d], ['refactor'])).toEqual([]);
    expect(
      await client.codeActions(uri, { start: { line: 4, character: 0 }, end: { line: 4, character: 1 } }),
    ).toEqual([]);
  });

  it('a fix requested after an edit uses the current text', async () => {
    const uri = await client.open(BROKEN);
    const d = (await client.diagnostics(uri, 1)).find((x) => x.code === 'unknown-word')!;
    // Two lines inserted above: the stale diagnostic's range no longer points at the word.
    await client.change(uri, [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        text: '  // note\n  // note\n',
      },
    ]);
    const actions = await client.codeActions(
      uri,
      { start: { line: 3, character: 2 }, end: { line: 3, character: 8 } },
      [d],
    );
    const edits = actions![0]!.edit!.changes![uri] as TextEdit[];
    expect(edits[0]!.range.start.line).toBe(3);
  });
});
