import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseError, type Location, type TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cursors, LspClient, render, slice } from '../harness/lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  await client.stop();
});

/** Markers: 0 search decl, 1 space ref, 2 baseline ref 1, 3 baseline ref 2, 4 space decl, 5 model decl, 6 other search's baseline, 7 nothing. */
const DOC = `search fir<|>st {
  dataset mnist
  space sha<|>red
  baseline <|>lenet, tin<|>y
}

space shared<|> { blocks 1..2 }

model le<|>net { input 28x28x1  gap; dense 10 }
model tiny { input 28x28x1  gap; dense 10 }

search second {
  dataset mnist
  space { }
  baseline lenet<|>
}
// <|>lenet in a comment is no reference
`;

const { text, positions: P } = cursors(DOC);
const where = (ls: Location[] | Location | null) =>
  (ls === null ? [] : Array.isArray(ls) ? ls : [ls]).map(
    (l) => `${l.range.start.line + 1}:${l.range.start.character + 1} ${slice(text, l.range)}`,
  );

describe('definition, references, rename', () => {
  let uri: string;
  beforeAll(async () => {
    uri = await client.open(text);
  });

  it('the document is valid', async () => expect(render(await client.diagnostics(uri, 1))).toEqual([]));

  it('go to definition from references and declarations', async () => {
    expect(where(await client.definition(uri, P[1]!))).toEqual(['7:7 shared']);
    expect(where(await client.definition(uri, P[2]!))).toEqual(['9:7 lenet']);
    expect(where(await client.definition(uri, P[3]!))).toEqual(['10:7 tiny']);
    expect(where(await client.definition(uri, P[6]!))).toEqual(['9:7 lenet']);
    expect(where(await client.definition(uri, P[0]!))).toEqual(['1:8 first']);
    expect(await client.definition(uri, P[7]!)).toBeNull();
  });

  it('find references, with and without the declaration', async () => {
    expect(where(await client.references(uri, P[5]!))).toEqual(['4:12 lenet', '9:7 lenet', '15:12 lenet']);
    expect(where(await client.references(uri, P[2]!, false))).toEqual(['4:12 lenet', '15:12 lenet']);
    expect(where(await client.references(uri, P[4]!))).toEqual(['3:9 shared', '7:7 shared']);
  });

  it('prepare rename gives the name range and placeholder', async () => {
    const r = (await client.prepareRename(uri, P[2]!)) as { range: Location['range']; placeholder: string };
    expect(slice(text, r.range)).toBe('lenet');
    expect(r.placeholder).toBe('lenet');
    expect(await client.prepareRename(uri, P[7]!)).toBeNull();
  });

  it('rename a model everywhere it is used; the result is still valid', async () => {
    const edit = await client.rename(uri, P[3]!, 'tiny_v2');
    const edits = edit?.changes?.[uri] as TextEdit[];
    expect(edits.map((e) => `${e.range.start.line + 1}:${e.range.start.character + 1}`)).toEqual([
      '4:19',
      '10:7',
    ]);
    const renamed = TextDocument.applyEdits(TextDocument.create(uri, 'unas', 1, text), edits);
    const other = await client.open(renamed);
    expect(render(await client.diagnostics(other, 1))).toEqual([]);
    await client.close(other);
  });

  it('rename a space and a search', async () => {
    expect((await client.rename(uri, P[1]!, 'cnn'))?.changes?.[uri]?.length).toBe(2);
    expect((await client.rename(uri, P[0]!, 'main'))?.changes?.[uri]?.length).toBe(1);
  });

  it.each([
    ['not a name', '2fast', /not a name/],
    ['a keyword that would split the statement', 'dataset', /keyword/],
    ['a top-level keyword', 'model', /keyword/],
    ['a name already taken', 'tiny', /already exists/],
  ])('refuses %s', async (_what, name, message) => {
    const e = await client.rename(uri, P[2]!, name).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ResponseError);
    expect((e as ResponseError<unknown>).message).toMatch(message);
  });
});
