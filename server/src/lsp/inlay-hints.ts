import { MarkupKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { LayerDecl } from '../engine/language/ast.js';
import type { Statement } from '../engine/language/syntax-tree.js';
import type { DocumentState } from './document-state.js';
import {
  boundsLabel,
  boundsMarkdown,
  layerFigures,
  layerLabel,
  layerMarkdown,
  modelLabel,
  modelMarkdown,
} from './estimate-text.js';
import {
  modelEstimate,
  searchSpaceEstimate,
  spaceDeclEstimate,
  type SpaceEstimate,
} from '../engine/checks/estimates.js';
import { frontEndLabel, frontEndMarkdown, searchFrontEnd } from './front-end.js';
import { blockOf, statementsByStart } from './syntax-locate.js';

/**
 * Inline resource figures: on each layer of a model what it costs (RAM at its step, flash, MACs),
 * on the model line the totals on its target board, on a search space the least–most any of its
 * architectures can cost (once the diagnostics have computed them: bounds are only peeked here).
 */
export function inlayHints(state: DocumentState, range: Range): InlayHint[] {
  const from = state.offset(range.start);
  const to = state.offset(range.end);
  const doc = state.analysis.document;
  const statements = state.memo('statements-by-start', () => statementsByStart(doc.syntax));
  const out: InlayHint[] = [];
  const visible = (offset: number) => offset >= from && offset <= to;
  const hint = (offset: number, label: string, tooltip: string): void => {
    if (visible(offset))
      out.push({
        position: state.position(offset),
        label,
        paddingLeft: true,
        tooltip: { kind: MarkupKind.Markdown, value: tooltip },
      });
  };

  for (const model of doc.models) {
    if (model.span.end < from || model.span.start > to) continue;
    const e = modelEstimate(state, model);
    if (!e) continue;
    const st = statements.get(model.span.start);
    if (e.complete && st && blockOf(st)) hint(anchor(st), modelLabel(e), modelMarkdown(state, e));
    const visit = (layers: readonly LayerDecl[]): void => {
      for (const l of layers) {
        if (l.kind === 'invalid') continue;
        const s = statements.get(l.span.start);
        const nodes = e.byStatement.get(l.span.start);
        if (s && nodes?.length) {
          const label = layerLabel(layerFigures(e, nodes));
          if (label) hint(anchor(s), label, layerMarkdown(state, e, nodes));
        }
        if (l.kind === 'merge') for (const p of l.paths) visit(p);
      }
    };
    visit(model.layers);
  }

  // An audio dataset's MFCC front end: its device cost, on the `features` line (or the dataset's).
  for (const search of doc.searches) {
    const d = search.dataset;
    if (!d || d.span.end < from || d.span.start > to) continue;
    const f = searchFrontEnd(state, search);
    const st = statements.get((d.features ?? d).span.start);
    if (f && st) hint(anchor(st), frontEndLabel(f), frontEndMarkdown(f));
  }

  const shown = new Set<SpaceEstimate['space']>();
  const spaceHint = (offset: number, se: SpaceEstimate) =>
    hint(offset, boundsLabel(se.bounds), boundsMarkdown(se));
  for (const search of doc.searches) {
    const sp = search.space;
    if (!sp || sp.span.end < from || sp.span.start > to) continue;
    const se = searchSpaceEstimate(state, search, true);
    if (!se) continue;
    if (sp.kind === 'space-ref') spaceHint(sp.ref.span.end, se);
    else {
      const st = statements.get(sp.span.start);
      if (st) {
        spaceHint(anchor(st), se);
        shown.add(sp);
      }
    }
  }
  for (const sp of doc.spaces) {
    if (shown.has(sp) || sp.span.end < from || sp.span.start > to) continue;
    const se = spaceDeclEstimate(state, sp, true);
    const st = statements.get(sp.span.start);
    if (se && st) spaceHint(anchor(st), se);
  }
  return out.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

/** Where a statement's hint goes: after its `{` if it has a block, else after its last argument. */
function anchor(st: Statement): number {
  const b = blockOf(st);
  if (b) return b.open + 1;
  return (st.args.at(-1) ?? st.head).end;
}
