import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { DocumentState } from './document-state.js';
import { forEachStatement } from './syntax-locate.js';

/** Folding: every block over several lines, block comments, and runs of line comments. */
export function foldingRanges(state: DocumentState): FoldingRange[] {
  const tree = state.analysis.document.syntax;
  const out: FoldingRange[] = [];
  forEachStatement(tree.statements, (st) => {
    const b = st.block;
    if (!b) return;
    const startLine = state.position(b.open).line;
    const endLine = b.close !== undefined ? state.position(b.close).line - 1 : state.position(b.end).line;
    if (endLine > startLine) out.push({ startLine, endLine });
  });
  let run: { start: number; end: number } | undefined;
  const flush = () => {
    if (run && run.end > run.start)
      out.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
    run = undefined;
  };
  for (const c of tree.comments) {
    const a = state.position(c.start).line;
    const z = state.position(c.end).line;
    if (!state.text.startsWith('//', c.start)) {
      flush();
      if (z > a) out.push({ startLine: a, endLine: z, kind: FoldingRangeKind.Comment });
      continue;
    }
    // A line comment alone on its line extends the run of the line above.
    const alone = /^[ \t]*$/.test(state.text.slice(state.offset({ line: a, character: 0 }), c.start));
    if (alone && run && run.end === a - 1) run.end = a;
    else {
      flush();
      if (alone) run = { start: a, end: a };
    }
  }
  flush();
  return out.sort((x, y) => x.startLine - y.startLine);
}
