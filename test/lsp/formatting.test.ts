import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzed, EXAMPLES } from './support/engine.js';
import { LspClient } from '../harness/lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  await client.stop();
});

/** Findings without positions: formatting may move text within lines, never change meaning. */
const meaning = (text: string) =>
  analyzed(text).diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`);

describe('formatting', () => {
  it.each(EXAMPLES.map((e) => [e.name, e.text] as const))(
    '%s: idempotent, same diagnostics',
    async (_name, text) => {
      const uri = await client.open(text);
      const before = (await client.diagnostics(uri, 1)).map((d) => d.message);
      const first = await client.format(uri);
      const v = await client.applyEdits(uri, first ?? []);
      const once = client.doc(uri).getText();
      expect(await client.format(uri)).toEqual([]);
      expect(meaning(once)).toEqual(meaning(text));
      expect((await client.diagnostics(uri, v)).map((d) => d.message)).toEqual(before);
      expect(once.split('\n')).toHaveLength(text.split('\n').length);
      for (const line of once.split('\n')) expect(line).not.toMatch(/\s$/);
      await client.close(uri);
    },
  );

  it('indents by depth, spaces tokens once, keeps comments and line breaks', async () => {
    const messy = [
      'search   s{',
      'dataset mnist{validation 10 %}',
      '    constraints {',
      'ram<=8 KB   soft ;flash <= 16KB',
      '}',
      '  objectives error ,ram,',
      'flash',
      '  space { blocks 1 .. 3 }   ',
      '    }',
      '/* keep',
      '     this   as is */',
      'model m { input 28x28x1 ; conv2d 8 k3 }   // trailing',
      '',
    ].join('\n');
    const expected = [
      'search s {',
      '  dataset mnist { validation 10% }',
      '  constraints {',
      '    ram <= 8 KB soft; flash <= 16 KB',
      '  }',
      '  objectives error, ram,',
      '    flash',
      '  space { blocks 1..3 }',
      '}',
      '/* keep',
      '     this   as is */',
      'model m { input 28x28x1; conv2d 8 k3 } // trailing',
      '',
    ].join('\n');
    const uri = await client.open(messy);
    await client.applyEdits(uri, (await client.format(uri)) ?? []);
    expect(client.doc(uri).getText()).toBe(expected);
    expect(meaning(expected)).toEqual(meaning(messy));
  });

  it('separates statements of a one-liner by two spaces', async () => {
    const uri = await client.open(
      'search s {\n  target custom { ram 8 KB flash 32 KB   core cortex-m4 }\n}\n',
    );
    await client.applyEdits(uri, (await client.format(uri)) ?? []);
    expect(client.doc(uri).getText()).toBe(
      'search s {\n  target custom { ram 8 KB  flash 32 KB  core cortex-m4 }\n}\n',
    );
  });

  it('keeps CRLF line breaks', async () => {
    const uri = await client.open('model m {\r\ninput 8x8x1\r\n   gap\r\n}\r\n');
    await client.applyEdits(uri, (await client.format(uri)) ?? []);
    expect(client.doc(uri).getText()).toBe('model m {\r\n  input 8x8x1\r\n  gap\r\n}\r\n');
  });

  it('uses tabs when asked', async () => {
    const uri = await client.open('model m {\ninput 8x8x1\nadd {\npath { gap }\npath { }\n}\n}\n');
    await client.applyEdits(uri, (await client.format(uri, { tabSize: 4, insertSpaces: false })) ?? []);
    expect(client.doc(uri).getText()).toBe(
      'model m {\n\tinput 8x8x1\n\tadd {\n\t\tpath { gap }\n\t\tpath { }\n\t}\n}\n',
    );
  });

  it('formats only the lines of a range', async () => {
    const uri = await client.open('search s {\ndataset mnist\nspace   { }\n}\n');
    const edits = await client.formatRange(uri, {
      start: { line: 2, character: 0 },
      end: { line: 2, character: 3 },
    });
    expect(edits?.map((e) => [e.range.start.line, e.newText])).toEqual([[2, '  space { }']]);
  });

  it('leaves a line with an unreadable character as written, only re-indented', async () => {
    const uri = await client.open('model m {\ninput   8x8x1 @  gap\n}\n');
    await client.applyEdits(uri, (await client.format(uri)) ?? []);
    expect(client.doc(uri).getText()).toBe('model m {\n  input   8x8x1 @  gap\n}\n');
  });
});
