import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SymbolKind,
  type DocumentSymbol,
  type InitializeResult,
  type MarkupContent,
  type ParameterInformation,
} from 'vscode-languageserver-protocol';
import { example } from './support/engine.js';
import { cursors, LspClient } from '../harness/lsp-client.js';

let client: LspClient;
let init: InitializeResult;
beforeAll(async () => {
  ({ client, init } = await LspClient.start());
});
afterAll(async () => {
  await client.stop();
});

describe('semantic tokens', () => {
  const text = `// c
search s {
  dataset mnist
  constraints { ram <= 8 KB soft }
  space sp
  baseline m
}
space sp { blocks 1..2 }
model m {
  input 28x28x1
  conv2d 8 k3 relu
  dense 10
}
/* a
b */
`;

  it('decode to declarations, keywords, layer ops, modifiers, numbers, units, values, operators and comments', async () => {
    const uri = await client.open(text);
    const r = await client.semanticTokens(uri);
    const legend = init.capabilities.semanticTokensProvider!.legend;
    const lines = text.split('\n');
    const out: string[] = [];
    let line = 0;
    let char = 0;
    const d = r!.data;
    for (let i = 0; i < d.length; i += 5) {
      line += d[i]!;
      char = d[i]! ? d[i + 1]! : char + d[i + 1]!;
      const mods = legend.tokenModifiers.filter((_m, b) => (d[i + 4]! >> b) & 1);
      out.push(
        `${lines[line]!.slice(char, char + d[i + 2]!)}:${legend.tokenTypes[d[i + 3]!]}${mods.map((m) => `.${m}`).join('')}`,
      );
    }
    expect(out).toEqual([
      '// c:comment',
      'search:keyword',
      's:namespace.declaration',
      'dataset:keyword',
      'mnist:enumMember',
      'constraints:keyword',
      'ram:keyword',
      '<=:operator',
      '8:number',
      'KB:type',
      'soft:modifier',
      'space:keyword',
      'sp:struct',
      'baseline:keyword',
      'm:class',
      'space:keyword',
      'sp:struct.declaration',
      'blocks:keyword',
      '1:number',
      '..:operator',
      '2:number',
      'model:keyword',
      'm:class.declaration',
      'input:keyword',
      '28x28x1:number',
      'conv2d:function',
      '8:number',
      'k3:modifier',
      'relu:modifier',
      'dense:function',
      '10:number',
      '/* a:comment',
      'b */:comment',
    ]);
  });
});

describe('document symbols', () => {
  const OUTLINE = `search mnist {
  dataset mnist { validation 10% }
  target nucleo-f746zg
  constraints {
    ram   <= 8 KB
    flash <= 16 KB
    macs  <= 2 M  soft
    error <= 3%   soft
  }
  objectives error, ram, flash, macs
  space { blocks 1..3 { layers 1..2 { op conv2d | dwconv2d } } }
  strategy evolution { population 16  sample 4 }
  train { epochs 3 }
  baseline lenet_tiny
}

model lenet_tiny {
  input 28x28x1
  conv2d 8 k3 s2 relu
  dwconv2d k3 relu
  conv1x1 16 relu
  maxpool 2
  conv2d 16 k3 relu
  gap
  dense 10
  softmax
}
`;

  it('outline searches, models and spaces with their sections and layers', async () => {
    const uri = await client.open(OUTLINE);
    const symbols = (await client.symbols(uri)) as DocumentSymbol[];
    expect(symbols.map((s) => [s.name, s.kind, s.detail])).toEqual([
      ['mnist', SymbolKind.Namespace, 'search'],
      ['lenet_tiny', SymbolKind.Class, 'model'],
    ]);
    const [search, model] = symbols;
    expect(search!.children!.map((c) => c.name)).toEqual([
      'dataset',
      'target',
      'constraints',
      'objectives',
      'space',
      'strategy',
      'train',
      'baseline',
    ]);
    expect(search!.children![2]!.children!.map((c) => `${c.name} ${c.detail}`)).toEqual([
      'ram <= 8 KB',
      'flash <= 16 KB',
      'macs <= 2 M soft',
      'error <= 3% soft',
    ]);
    expect(model!.children!.map((c) => `${c.name} ${c.detail}`)).toEqual([
      'input 28x28x1',
      'conv2d 8 k3 s2 relu → 13×13×8',
      'dwconv2d k3 relu → 11×11×8',
      'conv1x1 16 relu → 11×11×16',
      'maxpool 2 → 5×5×16',
      'conv2d 16 k3 relu → 3×3×16',
      'gap → 16',
      'dense 10 → 10',
      'softmax → 10',
    ]);
    expect(model!.children![1]!.kind).toBe(SymbolKind.Function);
    const inside = (outer: DocumentSymbol, inner: DocumentSymbol['range']) =>
      (inner.start.line > outer.range.start.line ||
        (inner.start.line === outer.range.start.line &&
          inner.start.character >= outer.range.start.character)) &&
      (inner.end.line < outer.range.end.line ||
        (inner.end.line === outer.range.end.line && inner.end.character <= outer.range.end.character));
    const check = (s: DocumentSymbol): void => {
      expect(inside(s, s.selectionRange)).toBe(true);
      for (const c of s.children ?? []) {
        expect(inside(s, c.range)).toBe(true);
        check(c);
      }
    };
    symbols.forEach(check);
  });
});

describe('folding ranges', () => {
  it('fold blocks over several lines, block comments and runs of line comments', async () => {
    const uri = await client.open(`// one
// two
search s {
  dataset mnist { validation 10% }
  constraints {
    ram <= 8 KB
  }
}
/* a
   b */
model m { input 8x8x1 }
`);
    const ranges = await client.folding(uri);
    expect(ranges?.map((r) => `${r.startLine + 1}-${r.endLine + 1}${r.kind ? ` ${r.kind}` : ''}`)).toEqual([
      '1-2 comment',
      '3-7',
      '5-6',
      '9-10 comment',
    ]);
  });
});

describe('code lenses', () => {
  it('offer start/estimate on searches and estimate/export on models, with [uri, name]', async () => {
    const text = example('mnist.unas');
    const uri = await client.open(text);
    const lenses = await client.codeLenses(uri);
    const lineOf = (prefix: string) => text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
    const s = lineOf('search mnist');
    const m = lineOf('model lenet_tiny');
    expect(
      lenses?.map(
        (l) =>
          `${l.range.start.line + 1} ${l.command?.title} ${l.command?.command} ${JSON.stringify(l.command?.arguments)}`,
      ),
    ).toEqual([
      `${s} ▶ Start search unas.startSearch ["${uri}","mnist"]`,
      `${s} Estimate space unas.estimateSpace ["${uri}","mnist"]`,
      `${m} Estimate unas.estimateModel ["${uri}","lenet_tiny"]`,
    ]);
  });
});

describe('signature help', () => {
  const CASES: readonly [string, string, string | null][] = [
    ['search s {\n  constraints { ram <= 8 <|> }\n}', 'ram <= 8 KB [soft]', 'KB'],
    ['space x {\n  blocks 1..<|>\n}', 'blocks 1..4 { layers … }', '1..4'],
    ['search s {\n  objectives error, <|>\n}', 'objectives error, ram, flash, macs', 'ram,'],
    ['search s {\n  <|>\n}', '', null],
  ];
  it.each(CASES)('%j', async (marked, label, active) => {
    const { text, positions } = cursors(marked);
    const uri = await client.open(text);
    const h = await client.signatureHelp(uri, positions[0]!);
    if (active === null) {
      expect(h).toBeNull();
      return;
    }
    const sig = h!.signatures[0]!;
    expect(sig.label).toBe(label);
    const p = sig.parameters![h!.activeParameter!]!.label as ParameterInformation['label'];
    expect(Array.isArray(p) ? sig.label.slice(p[0], p[1]) : p).toBe(active);
    if (label.includes('..'))
      expect((sig.documentation as MarkupContent).value).toContain('includes both ends');
  });
});
