import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { childContext, specOf, type ContextId } from '../engine/language/schema.js';
import type { Atom, Statement } from '../engine/language/syntax-tree.js';
import { NON_LAYER_MODEL_HEADS } from './catalogue-text.js';
import type { DocumentState } from './document-state.js';
import { spaceBetween } from './formatting.js';

const TOP: Readonly<Record<string, SymbolKind>> = {
  search: SymbolKind.Namespace,
  model: SymbolKind.Class,
  space: SymbolKind.Struct,
};

/**
 * The outline: searches, models and spaces, with their sections, settings and layers (a layer's
 * detail shows its arguments and output shape).
 */
export function documentSymbols(state: DocumentState): DocumentSymbol[] {
  const analysis = state.analysis;
  const shapes = new Map<number, readonly number[]>();
  for (const g of analysis.graphs.values())
    for (const n of g.nodes) if (n.origin?.start !== undefined) shapes.set(n.origin.start, n.shape);
  const build = (statements: readonly Statement[], context: ContextId): DocumentSymbol[] =>
    statements.map((st) => {
      const head = st.head.text;
      const range = state.range({ start: st.start, end: Math.max(st.end, st.head.end) });
      const children = st.block ? build(st.block.statements, childContext(context, head)) : [];
      if (context === 'document') {
        const name = st.args[0]?.kind === 'word' ? st.args[0] : undefined;
        return {
          name: name?.text ?? `(${head})`,
          detail: head,
          kind: TOP[head] ?? SymbolKind.Object,
          range,
          selectionRange: state.range(name ?? st.head),
          children,
        };
      }
      const shape = shapes.get(st.start);
      const args = argText(st.args);
      const layer = context === 'model' && specOf(context, head) && !NON_LAYER_MODEL_HEADS.has(head);
      return {
        name: head,
        detail: [args, shape ? `→ ${shape.join('×')}` : ''].filter(Boolean).join(' '),
        kind: layer
          ? SymbolKind.Function
          : st.block
            ? SymbolKind.Object
            : context === 'constraints'
              ? SymbolKind.Constant
              : SymbolKind.Property,
        range,
        selectionRange: state.range(st.head),
        children,
      };
    });
  return build(analysis.document.syntax.statements, 'document');
}

function argText(atoms: readonly Atom[]): string {
  let out = '';
  atoms.forEach((a, i) => {
    out += i === 0 ? a.text : spaceBetween(atoms[i - 1]!.text, a.text) ? ` ${a.text}` : a.text;
  });
  return out.length > 60 ? `${out.slice(0, 59)}…` : out;
}
