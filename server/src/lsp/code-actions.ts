import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic as LspDiagnostic,
} from 'vscode-languageserver';
import type { Fix } from '../engine/language/diagnostics.js';
import type { Span } from '../engine/language/syntax-tree.js';
import { toTextEdits } from './convert.js';
import type { DocumentState } from './document-state.js';
import { documentFindings } from '../engine/checks/check-document.js';

/**
 * Quick fixes from diagnostics that carry a certain fix (a misspelt keyword with one close match,
 * a missing unit, a swapped range, …), and `source.fixAll` applying every such fix at once.
 * Fixes come from this version's analysis, not from the client's copy of `diagnostic.data`,
 * so a request that races an edit never applies offsets of an older text.
 */
export function codeActions(state: DocumentState, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const from = state.offset(params.range.start);
  const to = state.offset(params.range.end);
  const fixable = documentFindings(state).filter((d): d is typeof d & { fix: Fix } => d.fix !== undefined);
  const out: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of fixable) {
      if (d.end < from || d.start > to) continue;
      const range = state.range(d);
      const matching = params.context.diagnostics.filter(
        (c) => sameRange(c, range) && (c.code === undefined || c.code === d.code),
      );
      out.push({
        title: d.fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: matching,
        isPreferred: true,
        edit: { changes: { [state.uri]: toTextEdits(state, d.fix) } },
      });
    }
  }
  if (only && wants(CodeActionKind.SourceFixAll) && fixable.length) {
    // Non-overlapping fixes only, first come first served.
    const taken: Span[] = [];
    const edits = fixable.flatMap((d) => {
      if (d.fix.edits.some((e) => taken.some((t) => e.start < t.end && t.start < e.end))) return [];
      taken.push(...d.fix.edits);
      return toTextEdits(state, d.fix);
    });
    out.push({
      title: 'Fix all certain problems',
      kind: CodeActionKind.SourceFixAll,
      edit: { changes: { [state.uri]: edits } },
    });
  }
  return out;
}

function sameRange(d: LspDiagnostic, r: LspDiagnostic['range']): boolean {
  return (
    d.range.start.line === r.start.line &&
    d.range.start.character === r.start.character &&
    d.range.end.line === r.end.line &&
    d.range.end.character === r.end.character
  );
}
