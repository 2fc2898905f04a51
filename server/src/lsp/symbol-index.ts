import type { Span } from '../engine/language/syntax-tree.js';
import type { DocumentState } from './document-state.js';

/** Names a file declares and refers to: searches, models (`baseline NAME`) and spaces (`space NAME`). */
export type SymbolKindName = 'search' | 'model' | 'space';

export interface Occurrence {
  readonly kind: SymbolKindName;
  readonly name: string;
  readonly span: Span;
  readonly declaration: boolean;
}

export function occurrences(state: DocumentState): readonly Occurrence[] {
  return state.memo('occurrences', () => {
    const doc = state.analysis.document;
    const out: Occurrence[] = [];
    for (const s of doc.searches) {
      out.push({ kind: 'search', name: s.name.name, span: s.name.span, declaration: true });
      for (const b of s.baselines)
        out.push({ kind: 'model', name: b.name, span: b.span, declaration: false });
      if (s.space?.kind === 'space-ref')
        out.push({ kind: 'space', name: s.space.ref.name, span: s.space.ref.span, declaration: false });
    }
    for (const m of doc.models)
      out.push({ kind: 'model', name: m.name.name, span: m.name.span, declaration: true });
    for (const sp of doc.spaces)
      if (sp.name) out.push({ kind: 'space', name: sp.name.name, span: sp.name.span, declaration: true });
    return out.sort((a, b) => a.span.start - b.span.start);
  });
}

/** The occurrence under the offset (its end included, so a cursor right after a name finds it). */
export function occurrenceAt(state: DocumentState, offset: number): Occurrence | undefined {
  return occurrences(state).find((o) => o.span.start <= offset && offset <= o.span.end);
}

/** Every occurrence of the same symbol. */
export function sameSymbol(state: DocumentState, o: Occurrence): Occurrence[] {
  return occurrences(state).filter((x) => x.kind === o.kind && x.name === o.name);
}
