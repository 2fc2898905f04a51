import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLexer } from '../../../server/src/engine/language/tokens.js';
import { LANGUAGE_CONFIGURATION_PATH, ROOT } from '../../support/textmate.js';

/** syntaxes/language-configuration.json: valid JSON, and its regexes agree with the lexer. */

interface LanguageConfiguration {
  comments: { lineComment: string; blockComment: [string, string] };
  brackets: [string, string][];
  autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
  surroundingPairs: [string, string][];
  folding: { markers: { start: string; end: string } };
  wordPattern: string;
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
}

const config = JSON.parse(fs.readFileSync(LANGUAGE_CONFIGURATION_PATH, 'utf8')) as LanguageConfiguration;
/** The words VS Code would find in `text` (it runs wordPattern globally). */
const words = (text: string) => text.match(new RegExp(config.wordPattern, 'g')) ?? [];

describe('language configuration', () => {
  it('declares comments, braces and pairs', () => {
    expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
    expect(config.brackets).toEqual([['{', '}']]);
    expect(config.autoClosingPairs.map((p) => [p.open, p.close])).toEqual([
      ['{', '}'],
      ['"', '"'],
    ]);
    expect(config.surroundingPairs).toEqual([
      ['{', '}'],
      ['"', '"'],
    ]);
  });

  it.each([
    'nucleo-f746zg',
    'early-stop',
    'weight-decay',
    'ram-reserve',
    'fashion-mnist',
    'lenet_tiny',
    'k3x1',
    'µs',
    'μs',
    '28x28x1',
    '1e-3',
    '0.005',
    '-2',
    '.5',
  ])('wordPattern takes %s whole', (word) => {
    expect(new RegExp(config.wordPattern).exec(word)?.[0]).toBe(word);
    expect(words(`  target ${word} { }`)).toEqual(['target', word]);
  });

  it('wordPattern stops where the lexer does', () => {
    expect(words('ram-  x--y 1..3 90% a|b')).toEqual(['ram', 'x', 'y', '1', '3', '90', 'a', 'b']);
  });

  it('wordPattern finds every word of the examples as the lexer does', () => {
    const dir = path.join(ROOT, 'examples');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.unas'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const lexed = createLexer()
        .tokenize(text)
        .tokens.filter((t) => ['Word', 'Number', 'Shape'].includes(t.tokenType.name))
        .map((t) => t.image);
      const code = text.replace(/\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g, ' ');
      expect(words(code), file).toEqual(lexed);
    }
  });

  it('indents after an open brace and outdents at a closing one', () => {
    const inc = new RegExp(config.indentationRules.increaseIndentPattern);
    const dec = new RegExp(config.indentationRules.decreaseIndentPattern);
    expect(inc.test('search mnist {')).toBe(true);
    expect(inc.test('  layers 1..3 {  // per block')).toBe(true);
    expect(inc.test('  augment { shift 2 }')).toBe(false);
    expect(inc.test('  // not a block {')).toBe(false);
    expect(dec.test('  }')).toBe(true);
    expect(dec.test('  dense 10')).toBe(false);
  });

  it('folds // #region … // #endregion', () => {
    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    expect(start.test('  // #region searches')).toBe(true);
    expect(end.test('  // #endregion')).toBe(true);
    expect(start.test('  // #endregion')).toBe(false);
  });
});
