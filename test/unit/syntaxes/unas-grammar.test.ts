import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnigScanner } from 'vscode-oniguruma';
import type { IGrammar } from 'vscode-textmate';
import { createLexer } from '../../../server/src/engine/language/tokens.js';
import { SCHEMA, type ContextId } from '../../../server/src/engine/language/schema.js';
import { UNITS } from '../../../server/src/engine/language/units.js';
import { DATASETS } from '../../../server/src/engine/language/datasets.js';
import { GRAMMAR_PATH, loadUnasGrammar, ROOT, tokenize, type Token } from '../../support/textmate.js';

/**
 * The TextMate grammar (syntaxes/unas.tmLanguage.json), run with vscode-textmate and the real
 * oniguruma wasm as VS Code does: every example file tokenises without an `invalid` scope, its
 * tokens are exactly the lexer's (no word split, no two words merged), chosen tokens get the
 * expected scopes, and every statement head of the schema is highlighted in its block.
 */

const EXAMPLES = path.join(ROOT, 'examples');
const exampleFiles = fs
  .readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.unas'))
  .sort();
const read = (file: string) => fs.readFileSync(path.join(EXAMPLES, file), 'utf8');

let grammar: IGrammar;
beforeAll(async () => {
  grammar = await loadUnasGrammar();
});

/** The scopes of a token, without the root scope and the `meta.*` scopes. */
const visible = (t: Token) => t.scopes.filter((s) => s !== 'source.unas' && !s.startsWith('meta.'));
const innermost = (t: Token) => visible(t).at(-1) ?? '';
const show = (t: Token) => `${t.line + 1}:${t.start + 1} ${JSON.stringify(t.text)} [${visible(t).join(' ')}]`;

/** The scope of the `nth` token whose text is `token` on line `line` (0-based) of `text`. */
function scopeAt(text: string, line: number, token: string, nth = 0): string {
  const found = tokenize(grammar, text)[line]?.filter((t) => t.text === token)[nth];
  if (!found) throw new Error(`no token ${JSON.stringify(token)} on line ${line + 1} of:\n${text}`);
  return innermost(found);
}

describe('grammar file', () => {
  const raw = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8')) as {
    scopeName: string;
    patterns: unknown[];
    repository: Record<string, unknown>;
  };

  it('is source.unas, and every #include names a repository rule', () => {
    expect(raw.scopeName).toBe('source.unas');
    const includes = [...JSON.stringify(raw).matchAll(/"include":"#([^"]+)"/g)].map((m) => m[1]!);
    expect(includes.length).toBeGreaterThan(0);
    for (const name of includes) expect(raw.repository, `#${name}`).toHaveProperty([name]);
  });

  it('has only regexes that oniguruma compiles', async () => {
    await loadUnasGrammar(); // loads the wasm
    const regexes: string[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        for (const [k, v] of Object.entries(x)) {
          if ((k === 'match' || k === 'begin' || k === 'end' || k === 'while') && typeof v === 'string')
            regexes.push(v);
          else walk(v);
        }
      }
    };
    walk(raw);
    for (const re of regexes) expect(() => new OnigScanner([re]).dispose(), re).not.toThrow();
  });
});

describe.each(exampleFiles)('examples/%s', (file) => {
  const text = read(file);

  it('tokenises with no invalid scope and no unscoped text', () => {
    const bad = tokenize(grammar, text)
      .flat()
      .filter(
        (t) =>
          t.text.trim() !== '' && (visible(t).length === 0 || t.scopes.some((s) => s.startsWith('invalid'))),
      );
    expect(bad.map(show)).toEqual([]);
  });

  it("has the lexer's tokens: no word split or merged, every word a known kind", () => {
    const lines = tokenize(grammar, text);
    const lengths = text.split(/\r?\n/).map((l) => l.length);
    const lexed = createLexer().tokenize(text);
    expect(lexed.errors).toEqual([]);
    const problems: string[] = [];
    for (const t of lexed.tokens) {
      const line = (t.startLine ?? 0) - 1;
      const start = (t.startColumn ?? 0) - 1;
      const end = start + t.image.length;
      const row = lines[line] ?? [];
      const first = row.find((g) => g.start === start);
      const boundaryAtEnd = end === lengths[line] || row.some((g) => g.start === end);
      const kind = t.tokenType.name;
      if (!first || !boundaryAtEnd)
        problems.push(`${line + 1}:${start + 1} ${kind} ${t.image}: no token boundary`);
      else if (kind === 'String') {
        const inside = row.filter((g) => g.start >= start && g.start < end);
        if (!inside.every((g) => g.scopes.includes('string.quoted.double.unas')))
          problems.push(`${show(first)}: not a string`);
      } else if (first.text !== t.image)
        problems.push(`${show(first)}: the lexer has ${kind} ${JSON.stringify(t.image)}`);
      else if (kind === 'Word' && innermost(first) === 'variable.other.unas')
        problems.push(`${show(first)}: an unknown word`);
    }
    expect(problems).toEqual([]);
  });
});

/** [file, a text that identifies the line, token, expected innermost scope, occurrence on the line]. */
const EXPECTED: readonly (readonly [string, string, string, string, number?])[] = [
  ['mnist.unas', '// MNIST on a Cortex-M7', '//', 'punctuation.definition.comment.unas'],
  [
    'mnist.unas',
    '// MNIST on a Cortex-M7',
    ' MNIST on a Cortex-M7 board, within 8 KB of activation RAM and 16 KB of flash.',
    'comment.line.double-slash.unas',
  ],
  ['mnist.unas', 'search mnist {', 'search', 'storage.type.unas'],
  ['mnist.unas', 'search mnist {', 'mnist', 'entity.name.type.unas'],
  ['mnist.unas', 'search mnist {', '{', 'punctuation.definition.block.begin.unas'],
  ['mnist.unas', 'dataset mnist {', 'dataset', 'keyword.other.unas'],
  ['mnist.unas', 'dataset mnist {', 'mnist', 'constant.language.unas'],
  ['mnist.unas', 'validation 10%', '%', 'keyword.other.unit.percent.unas'],
  ['mnist.unas', 'augment { shift 2 }', 'shift', 'keyword.other.unas'],
  ['mnist.unas', 'augment { shift 2 }', '}', 'punctuation.definition.block.end.unas'],
  ['mnist.unas', 'target nucleo-f746zg', 'target', 'keyword.other.unas'],
  ['mnist.unas', 'target nucleo-f746zg', 'nucleo-f746zg', 'variable.other.constant.unas'],
  ['mnist.unas', 'ram   <= 8 KB', 'ram', 'keyword.other.unas'],
  ['mnist.unas', 'ram   <= 8 KB', '<=', 'keyword.operator.comparison.unas'],
  ['mnist.unas', 'ram   <= 8 KB', '8', 'constant.numeric.unas'],
  ['mnist.unas', 'ram   <= 8 KB', 'KB', 'keyword.other.unit.unas'],
  ['mnist.unas', 'macs  <= 2 M  soft', 'M', 'keyword.other.unit.unas'],
  ['mnist.unas', 'macs  <= 2 M  soft', 'soft', 'constant.language.unas'],
  ['mnist.unas', 'error <= 8%', 'error', 'keyword.other.unas'],
  ['mnist.unas', 'objectives error, ram', 'objectives', 'keyword.other.unas'],
  ['mnist.unas', 'objectives error, ram', 'error', 'constant.language.unas'],
  ['mnist.unas', 'objectives error, ram', 'ram', 'constant.language.unas'],
  ['mnist.unas', 'objectives error, ram', ',', 'punctuation.separator.comma.unas'],
  ['mnist.unas', 'space {', 'space', 'keyword.other.unas'],
  ['mnist.unas', 'blocks 1..3 {', 'blocks', 'keyword.other.unas'],
  ['mnist.unas', 'blocks 1..3 {', '1', 'constant.numeric.unas'],
  ['mnist.unas', 'blocks 1..3 {', '..', 'keyword.operator.range.unas'],
  ['mnist.unas', 'blocks 1..3 {', '3', 'constant.numeric.unas'],
  ['mnist.unas', 'op         conv2d | conv1x1', 'conv2d', 'support.function.layer.unas'],
  ['mnist.unas', 'op         conv2d | conv1x1', '|', 'punctuation.separator.choice.unas'],
  ['mnist.unas', 'activation relu 90% | none', 'activation', 'keyword.other.unas'],
  ['mnist.unas', 'activation relu 90% | none', 'relu', 'constant.language.unas'],
  ['mnist.unas', 'activation relu 90% | none', '90', 'constant.numeric.unas'],
  ['mnist.unas', 'activation relu 90% | none', '%', 'keyword.other.unit.percent.unas'],
  ['mnist.unas', 'activation relu 90% | none', 'none', 'constant.language.unas'],
  ['mnist.unas', 'batchnorm  yes | no', 'batchnorm', 'keyword.other.unas'],
  ['mnist.unas', 'batchnorm  yes | no', 'no', 'constant.language.unas'],
  ['mnist.unas', 'pool  none 10% | avg 2', 'avg', 'constant.language.unas'],
  ['mnist.unas', 'dense 0..1 { units 10..64 }', 'dense', 'keyword.other.unas'],
  ['mnist.unas', 'dense 0..1 { units 10..64 }', 'units', 'keyword.other.unas'],
  ['mnist.unas', 'strategy evolution {', 'evolution', 'constant.language.unas'],
  ['mnist.unas', 'optimizer adam', 'adam', 'constant.language.unas'],
  ['mnist.unas', 'lr        0.003', '0.003', 'constant.numeric.unas'],
  ['mnist.unas', 'schedule  cosine', 'cosine', 'constant.language.unas'],
  ['mnist.unas', 'baseline lenet_tiny', 'lenet_tiny', 'entity.name.function.unas'],
  ['mnist.unas', 'model lenet_tiny {', 'model', 'storage.type.unas'],
  ['mnist.unas', 'model lenet_tiny {', 'lenet_tiny', 'entity.name.function.unas'],
  ['mnist.unas', 'input 28x28x1', 'input', 'keyword.other.unas'],
  ['mnist.unas', 'input 28x28x1', '28x28x1', 'constant.numeric.shape.unas'],
  ['mnist.unas', 'conv2d 8 k3 s2 relu', 'conv2d', 'support.function.layer.unas'],
  ['mnist.unas', 'conv2d 8 k3 s2 relu', '8', 'constant.numeric.unas'],
  ['mnist.unas', 'conv2d 8 k3 s2 relu', 'k3', 'variable.parameter.unas'],
  ['mnist.unas', 'conv2d 8 k3 s2 relu', 's2', 'variable.parameter.unas'],
  ['mnist.unas', 'conv2d 8 k3 s2 relu', 'relu', 'variable.parameter.unas'],
  ['mnist.unas', 'maxpool 2', 'maxpool', 'support.function.layer.unas'],
  ['mnist.unas', '  dense 10', 'dense', 'support.function.layer.unas'],
  ['mnist.unas', 'softmax', 'softmax', 'support.function.layer.unas'],
  ['cifar10.unas', 'path "data/cifar-10-batches-bin"', 'path', 'keyword.other.unas'],
  ['cifar10.unas', 'path "data/cifar-10-batches-bin"', '"', 'punctuation.definition.string.begin.unas'],
  [
    'cifar10.unas',
    'path "data/cifar-10-batches-bin"',
    'data/cifar-10-batches-bin',
    'string.quoted.double.unas',
  ],
  ['cifar10.unas', 'path "data/cifar-10-batches-bin"', '"', 'punctuation.definition.string.end.unas', 1],
  ['cifar10.unas', 'augment { shift 4  flip }', 'flip', 'keyword.other.unas'],
  ['cifar10.unas', 'target stm32h743 {', 'stm32h743', 'variable.other.constant.unas'],
  ['cifar10.unas', 'ram-reserve 64 KB', 'ram-reserve', 'keyword.other.unas'],
  ['cifar10.unas', 'workers    2', 'workers', 'keyword.other.unas'],
  ['cifar10.unas', 'early-stop 15', 'early-stop', 'keyword.other.unas'],
  ['cifar10.unas', '  space cnn', 'space', 'keyword.other.unas'],
  ['cifar10.unas', '  space cnn', 'cnn', 'entity.name.type.unas'],
  ['cifar10.unas', 'space cnn {', 'space', 'storage.type.unas'],
  ['cifar10.unas', 'space cnn {', 'cnn', 'entity.name.type.unas'],
  ['cifar10.unas', 'padding    valid | same', 'valid', 'constant.language.unas'],
  ['cifar10.unas', 'baseline ds_cnn', 'ds_cnn', 'entity.name.function.unas'],
  ['cifar10.unas', 'input 32x32x3', '32x32x3', 'constant.numeric.shape.unas'],
  ['cifar10.unas', 'conv2d 32 k3 s2 same bn relu', 'same', 'variable.parameter.unas'],
  ['cifar10.unas', 'conv2d 32 k3 s2 same bn relu', 'bn', 'variable.parameter.unas'],
  ['cifar10.unas', 'add {', 'add', 'support.function.layer.unas'],
  ['cifar10.unas', 'path { dwconv2d', 'path', 'keyword.other.unas'],
  ['cifar10.unas', 'path { dwconv2d', 'dwconv2d', 'support.function.layer.unas'],
  ['cifar10.unas', 'path { dwconv2d', 'conv1x1', 'support.function.layer.unas'],
  ['cifar10.unas', 'path { dwconv2d', 'relu', 'variable.parameter.unas', 1],
  ['cifar10.unas', 'gap', 'gap', 'support.function.layer.unas'],
  ['fashion-mnist.unas', 'dataset fashion-mnist {', 'fashion-mnist', 'constant.language.unas'],
  ['fashion-mnist.unas', 'target nrf52840', 'nrf52840', 'variable.other.constant.unas'],
  ['fashion-mnist.unas', '// The μNAS CNN space.', ' The μNAS CNN space.', 'comment.line.double-slash.unas'],
  ['fashion-mnist.unas', 'dense 1..3 { units 10..256  dropout 0.15 }', 'dropout', 'keyword.other.unas'],
  ['fashion-mnist.unas', 'dense 1..3 { units 10..256  dropout 0.15 }', '0.15', 'constant.numeric.unas'],
  ['fashion-mnist.unas', 'weight-decay 5e-5', 'weight-decay', 'keyword.other.unas'],
  ['fashion-mnist.unas', 'weight-decay 5e-5', '5e-5', 'constant.numeric.unas'],
  ['fashion-mnist.unas', 'schedule     step 15 0.005, 30 0.001', 'step', 'constant.language.unas'],
  ['fashion-mnist.unas', 'schedule     step 15 0.005, 30 0.001', '0.005', 'constant.numeric.unas'],
  ['fashion-mnist.unas', 'schedule     step 15 0.005, 30 0.001', ',', 'punctuation.separator.comma.unas'],
  ['tiny-budget.unas', 'target arduino-zero', 'arduino-zero', 'variable.other.constant.unas'],
  ['tiny-budget.unas', 'classes 2', 'classes', 'keyword.other.unas'],
  ['tiny-budget.unas', 'strategy random {', 'random', 'constant.language.unas'],
  ['tiny-budget.unas', 'model micro {', 'micro', 'entity.name.function.unas'],
  ['tiny-budget.unas', 'avgpool 2', 'avgpool', 'support.function.layer.unas'],
  ['tiny-budget.unas', 'flatten', 'flatten', 'support.function.layer.unas'],
];

describe('scopes in the examples', () => {
  it.each(EXPECTED.map(([file, line, token, scope, nth]) => ({ file, line, token, scope, nth: nth ?? 0 })))(
    '$file: $token in "$line" is $scope',
    ({ file, line, token, scope, nth }) => {
      const text = read(file);
      const index = text.split(/\r?\n/).findIndex((l) => l.includes(line));
      expect(index, `a line with ${JSON.stringify(line)} in ${file}`).toBeGreaterThanOrEqual(0);
      expect(scopeAt(text, index, token, nth)).toBe(scope);
    },
  );
});

/** How to open a block of each context: the heads from the document down (from the schema). */
function contextPaths(): Map<ContextId, string[]> {
  const paths = new Map<ContextId, string[]>([['document', []]]);
  const queue: ContextId[] = ['document'];
  for (let c = queue.shift(); c; c = queue.shift()) {
    for (const spec of SCHEMA[c]) {
      if (spec.block && !paths.has(spec.block)) {
        paths.set(spec.block, [...paths.get(c)!, spec.head]);
        queue.push(spec.block);
      }
    }
  }
  return paths;
}

/** A document with `line` in a block of context `ctx`, and the 0-based line number of `line`. */
function inContext(ctx: ContextId, line: string): { text: string; at: number } {
  const heads = contextPaths().get(ctx)!;
  const open = heads.map((h, i) => `${'  '.repeat(i)}${h} {`);
  const close = heads.map((_, i) => `${'  '.repeat(heads.length - 1 - i)}}`);
  return { text: [...open, `${'  '.repeat(heads.length)}${line}`, ...close].join('\n'), at: heads.length };
}

describe('the schema', () => {
  it('reaches every context from the document', () => {
    expect([...contextPaths().keys()].sort()).toEqual((Object.keys(SCHEMA) as ContextId[]).sort());
  });

  const heads = (Object.keys(SCHEMA) as ContextId[]).flatMap((ctx) =>
    SCHEMA[ctx].map((s) => ({ ctx, head: s.head })),
  );
  it.each(heads)('$head starts a statement in a $ctx block', ({ ctx, head }) => {
    const expected =
      ctx === 'document'
        ? 'storage.type.unas'
        : ctx === 'model' && head !== 'input' && head !== 'target'
          ? 'support.function.layer.unas'
          : 'keyword.other.unas';
    const { text, at } = inContext(ctx, `${head} 1`);
    expect(scopeAt(text, at, head)).toBe(expected);
    // A head is a head after another statement on the same line, too (one-liners).
    if (ctx !== 'document') {
      const other = SCHEMA[ctx].find((s) => s.head !== head && !s.block)?.head ?? head;
      const { text: t2, at: a2 } = inContext(ctx, `${other} 1  ${head} 2`);
      const nth = other === head ? 1 : 0;
      const scope = scopeAt(t2, a2, head, nth);
      // In a model, relu/relu6/batchnorm after a layer are its options (`conv2d 8 k3 relu`).
      if (ctx === 'model' && ['relu', 'relu6', 'batchnorm'].includes(head))
        expect(scope).toBe('variable.parameter.unas');
      else expect(scope).toBe(expected);
    }
  });

  const units = Object.values(UNITS).flatMap((u) => Object.keys(u));
  it.each(units)('%s after a number is a unit', (unit) => {
    const { text, at } = inContext('target', `clock 80 ${unit}`);
    expect(scopeAt(text, at, unit)).toBe('keyword.other.unit.unas');
    const glued = inContext('target', `clock 80${unit}`);
    expect(scopeAt(glued.text, glued.at, unit)).toBe('keyword.other.unit.unas');
  });

  it.each(Object.keys(DATASETS))('dataset %s is a value', (name) => {
    const { text, at } = inContext('search', `dataset ${name} { }`);
    expect(scopeAt(text, at, name)).toBe('constant.language.unas');
  });
});

describe('edge cases', () => {
  const scopes = (text: string) =>
    tokenize(grammar, text).map((l) =>
      l.filter((t) => t.text.trim()).map((t) => `${t.text}:${innermost(t)}`),
    );

  it('keeps the block context with the brace on the next line, and across one-liners', () => {
    const text =
      'search s\n{\n  target custom { core cortex-m4  clock 80 MHz  ram <= 2 KB  flash <= 4 KB }\n  dataset mnist\n}';
    const lines = scopes(text);
    expect(lines[2]).toEqual([
      'target:keyword.other.unas',
      'custom:constant.language.unas',
      '{:punctuation.definition.block.begin.unas',
      'core:keyword.other.unas',
      'cortex-m4:variable.other.constant.unas',
      'clock:keyword.other.unas',
      '80:constant.numeric.unas',
      'MHz:keyword.other.unit.unas',
      'ram:keyword.other.unas',
      '<=:keyword.operator.comparison.unas',
      '2:constant.numeric.unas',
      'KB:keyword.other.unit.unas',
      'flash:keyword.other.unas',
      '<=:keyword.operator.comparison.unas',
      '4:constant.numeric.unas',
      'KB:keyword.other.unit.unas',
      '}:punctuation.definition.block.end.unas',
    ]);
    expect(lines[3]).toEqual(['dataset:keyword.other.unas', 'mnist:constant.language.unas']);
  });

  it('reads numbers as the lexer does', () => {
    const lines = scopes('search s { train { lr 1e-3  label-smoothing .5  seed -2 }  latency ≤ 50 µs }');
    expect(lines[0]).toEqual(
      expect.arrayContaining([
        '1e-3:constant.numeric.unas',
        '.5:constant.numeric.unas',
        '-2:constant.numeric.unas',
        '≤:keyword.operator.comparison.unas',
        'µs:keyword.other.unit.unas',
      ]),
    );
  });

  it('marks a layer at the start of a statement, and k3x1 / m2 as options', () => {
    const lines = scopes('model m {\n  relu\n  batchnorm; relu6\n  dwconv2d k3x1 m2 valid\n}');
    expect(lines[1]).toEqual(['relu:support.function.layer.unas']);
    expect(lines[2]).toEqual([
      'batchnorm:support.function.layer.unas',
      ';:punctuation.terminator.statement.unas',
      'relu6:support.function.layer.unas',
    ]);
    expect(lines[3]).toEqual([
      'dwconv2d:support.function.layer.unas',
      'k3x1:variable.parameter.unas',
      'm2:variable.parameter.unas',
      'valid:variable.parameter.unas',
    ]);
  });

  it('has strings with escapes, block comments over lines, and flags what the lexer rejects', () => {
    const lines = scopes('/* a\n b */ search s { dataset idx { path "a\\"b"  train-images "x } } @\n}');
    expect(lines[0]).toEqual(['/*:punctuation.definition.comment.begin.unas', ' a:comment.block.unas']);
    expect(lines[1]).toEqual(
      expect.arrayContaining([
        '*/:punctuation.definition.comment.end.unas',
        '\\":constant.character.escape.unas',
        '":invalid.illegal.unterminated-string.unas',
        '@:invalid.illegal.character.unas',
      ]),
    );
    expect(lines[2]).toEqual(['}:invalid.illegal.stray-bracket.unas']);
  });
});
