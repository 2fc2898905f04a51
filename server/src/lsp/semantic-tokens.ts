import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import { specOf } from '../engine/language/schema.js';
import type { Atom } from '../engine/language/syntax-tree.js';
import { NON_LAYER_MODEL_HEADS } from './catalogue-text.js';
import type { DocumentState } from './document-state.js';
import { occurrences, type SymbolKindName } from './symbol-index.js';
import { forEachStatement } from './syntax-locate.js';
import { slotOf, type Slot } from './vocabulary.js';

/** Token types and modifiers, standard LSP names so every theme colours them. */
export const TOKEN_TYPES = [
  'namespace',
  'class',
  'struct',
  'keyword',
  'function',
  'modifier',
  'number',
  'type',
  'string',
  'comment',
  'operator',
  'enumMember',
] as const;
export const TOKEN_MODIFIERS = ['declaration'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: [...TOKEN_TYPES],
  tokenModifiers: [...TOKEN_MODIFIERS],
};

const SYMBOL_TYPE: Readonly<Record<SymbolKindName, TokenType>> = {
  search: 'namespace',
  model: 'class',
  space: 'struct',
};
const SLOT_TYPE: Readonly<Record<Slot['kind'], TokenType>> = {
  dataset: 'enumMember',
  board: 'enumMember',
  model: 'class',
  space: 'struct',
  metric: 'enumMember',
  core: 'enumMember',
  unit: 'type',
  choice: 'enumMember',
  modifier: 'modifier',
  mode: 'modifier',
};
const ATOM_TYPE: Readonly<Partial<Record<Atom['kind'], TokenType>>> = {
  number: 'number',
  shape: 'number',
  percent: 'number',
  string: 'string',
  dotdot: 'operator',
  pipe: 'operator',
  comma: 'operator',
  compare: 'operator',
};

export interface Token {
  readonly start: number;
  readonly end: number;
  readonly type: TokenType;
  readonly declaration: boolean;
}

/**
 * Classifies the document: declared names (searches, models, spaces) and references to them,
 * statement keywords, layer ops, layer modifiers and hard/soft, numbers, units, strings, values,
 * operators and comments.
 */
export function classify(state: DocumentState): Token[] {
  const tree = state.analysis.document.syntax;
  const symbols = new Map(occurrences(state).map((o) => [o.span.start, o]));
  const out: Token[] = [];
  const push = (a: { start: number; end: number }, type: TokenType, declaration = false) =>
    out.push({ start: a.start, end: a.end, type, declaration });
  forEachStatement(tree.statements, (st, context) => {
    const head = st.head.text;
    if (specOf(context, head))
      push(st.head, context === 'model' && !NON_LAYER_MODEL_HEADS.has(head) ? 'function' : 'keyword');
    for (const a of st.args) {
      const sym = symbols.get(a.start);
      if (sym) {
        push(a, SYMBOL_TYPE[sym.kind], sym.declaration);
        continue;
      }
      const t = ATOM_TYPE[a.kind];
      if (t) {
        push(a, t);
        continue;
      }
      const slot = slotOf(context, head, st.args, a);
      if (slot) push(a, SLOT_TYPE[slot.kind]);
    }
  });
  for (const c of tree.comments) push(c, 'comment');
  return out.sort((a, b) => a.start - b.start);
}

export function semanticTokens(state: DocumentState): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  for (const t of classify(state)) {
    const type = TOKEN_TYPES.indexOf(t.type);
    const mods = t.declaration ? 1 : 0;
    // Tokens may not span lines: a block comment is sent line by line.
    let start = t.start;
    while (start < t.end) {
      const p = state.position(start);
      const nl = state.text.indexOf('\n', start);
      const end = nl < 0 || nl >= t.end ? t.end : nl;
      const len = end - start - (state.text[end - 1] === '\r' ? 1 : 0);
      if (len > 0) builder.push(p.line, p.character, len, type, mods);
      start = end + 1;
    }
  }
  return builder.build();
}
