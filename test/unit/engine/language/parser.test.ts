import { describe, expect, it } from 'vitest';
import { parseSyntax } from '../../../../server/src/engine/language/parser.js';
import type { Statement } from '../../../../server/src/engine/language/syntax-tree.js';

const heads = (sts: readonly Statement[]): unknown[] =>
  sts.map((s) => (s.block ? { [s.head.text]: heads(s.block.statements) } : s.head.text));

describe('parser', () => {
  it('splits one-liners at words that start a statement in the enclosing block', () => {
    const t = parseSyntax('search s { target b { ram <= 2 KB  flash <= 4 KB  macs <= 1 M } }');
    expect(t.errors).toEqual([]);
    expect(heads(t.statements)).toEqual([{ search: [{ target: ['ram', 'flash', 'macs'] }] }]);
    const ram = t.statements[0]!.block!.statements[0]!.block!.statements[0]!;
    expect(ram.args.map((a) => `${a.kind}:${a.text}`)).toEqual(['compare:<=', 'number:2', 'word:KB']);
  });

  it('continues arguments across lines only around separators', () => {
    const t = parseSyntax('search s {\n  objectives error,\n    ram\n    | flash\n  train { }\n}');
    expect(t.errors).toEqual([]);
    const obj = t.statements[0]!.block!.statements[0]!;
    expect(obj.args.map((a) => a.text)).toEqual(['error', ',', 'ram', '|', 'flash']);
    expect(heads(t.statements)).toEqual([{ search: ['objectives', { train: [] }] }]);
  });

  it('ends a statement at a line break or a semicolon', () => {
    const t = parseSyntax('model m { input 8x8x1; conv2d 8 k3\n gap }');
    expect(heads(t.statements)).toEqual([{ model: ['input', 'conv2d', 'gap'] }]);
  });

  it('lexes ranges, shapes, percentages and signed numbers', () => {
    const t = parseSyntax('x 1..4 28x28x1 90% -2 1e-3 .5 "a \\"b\\""');
    expect(t.statements[0]!.args.map((a) => `${a.kind}:${a.text}`)).toEqual([
      'number:1',
      'dotdot:..',
      'number:4',
      'shape:28x28x1',
      'number:90',
      'percent:%',
      'number:-2',
      'number:1e-3',
      'number:.5',
      'string:"a \\"b\\""',
    ]);
  });

  it('keeps hyphenated words whole', () => {
    const t = parseSyntax('target nucleo-f746zg\nearly-stop 3');
    expect(t.statements.map((s) => [s.head.text, ...s.args.map((a) => a.text)])).toEqual([
      ['target', 'nucleo-f746zg'],
      ['early-stop', '3'],
    ]);
  });

  it('reports several errors in one pass and still produces the rest of the tree', () => {
    const text = 'search a {\n  5 dataset mnist\n}\n}\nmodel m { input 8x8x1 @ gap }\nsearch b {\n  train {';
    const t = parseSyntax(text);
    expect(t.errors.map((e) => [text.slice(e.start, e.end), e.message])).toEqual([
      ['5', "unexpected '5': a statement starts with a name"],
      ['}', "unexpected '}' without a matching '{': a statement starts with a name"],
      ['@', "unexpected character '@'"],
      ['{', "missing '}' to close this block"],
      ['{', "missing '}' to close this block"],
    ]);
    expect(heads(t.statements)).toEqual([
      { search: ['dataset'] },
      { model: ['input', 'gap'] },
      { search: [{ train: [] }] },
    ]);
  });

  it('records comments separately and ignores them', () => {
    const t = parseSyntax('// a\nmodel m { /* b\n c */ gap }');
    expect(t.comments).toHaveLength(2);
    expect(heads(t.statements)).toEqual([{ model: ['gap'] }]);
  });

  it('gives every node an exact span', () => {
    const text = 'model m {\n  conv2d 8 k3\n}';
    const st = parseSyntax(text).statements[0]!;
    expect(text.slice(st.start, st.end)).toBe(text);
    const conv = st.block!.statements[0]!;
    expect(text.slice(conv.start, conv.end)).toBe('conv2d 8 k3');
  });
});

describe('parser: options that are also layers', () => {
  it('reads relu / bn mid-line as options of the layer, and at a line start as layers', () => {
    const t = parseSyntax('model m {\n  conv2d 8 k3 relu bn\n  relu\n  maxpool 2 conv2d 4 k1\n}');
    const layers = t.statements[0]!.block!.statements.map((s) =>
      [s.head.text, ...s.args.map((a) => a.text)].join(' '),
    );
    expect(layers).toEqual(['conv2d 8 k3 relu bn', 'relu', 'maxpool 2', 'conv2d 4 k1']);
  });
});
