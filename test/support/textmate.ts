import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';

/** The repository root (this file is test/support/textmate.ts). */
export const ROOT = path.resolve(__dirname, '../..');
export const GRAMMAR_PATH = path.join(ROOT, 'syntaxes/unas.tmLanguage.json');
export const LANGUAGE_CONFIGURATION_PATH = path.join(ROOT, 'syntaxes/language-configuration.json');

/** One token of a tokenised line: its text and its scopes, outermost first. */
export interface Token {
  readonly line: number;
  readonly start: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

let grammar: Promise<IGrammar> | undefined;

/** The `.unas` TextMate grammar, loaded once (with the real oniguruma wasm, as VS Code does). */
export function loadUnasGrammar(): Promise<IGrammar> {
  return (grammar ??= (async () => {
    const wasm = fs.readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new OnigScanner(sources),
        createOnigString: (s: string) => new OnigString(s),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === 'source.unas'
          ? parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH)
          : null,
    });
    const g = await registry.loadGrammar('source.unas');
    if (!g) throw new Error('grammar source.unas not found');
    return g;
  })());
}

/** Tokenises a whole text line by line, carrying the rule stack across lines as the editor does. */
export function tokenize(g: IGrammar, text: string): Token[][] {
  let state: StateStack = INITIAL;
  return text.split(/\r?\n/).map((line, i) => {
    const r = g.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({
      line: i,
      start: t.startIndex,
      text: line.slice(t.startIndex, t.endIndex),
      scopes: t.scopes,
    }));
  });
}
