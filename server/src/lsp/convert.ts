import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type TextEdit } from 'vscode-languageserver';
import type { Diagnostic, Fix, Severity } from '../engine/language/diagnostics.js';
import type { DocumentState } from './document-state.js';
import type { Finding } from '../engine/checks/resource-checks.js';

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries in `data`: its certain fix as LSP edits, and the version they apply to. */
export interface DiagnosticData {
  readonly version: number;
  readonly fix: { readonly title: string; readonly edits: readonly TextEdit[] };
}

export function toTextEdits(state: DocumentState, fix: Fix): TextEdit[] {
  return fix.edits.map((e) => ({ range: state.range(e), newText: e.text }));
}

export function toLspDiagnostic(state: DocumentState, d: Diagnostic | Finding): LspDiagnostic {
  const related =
    'related' in d && d.related.length
      ? {
          relatedInformation: d.related.map((r) => ({
            location: { uri: state.uri, range: state.range(r.span) },
            message: r.message,
          })),
        }
      : {};
  const data: DiagnosticData | undefined = d.fix
    ? { version: state.version, fix: { title: d.fix.title, edits: toTextEdits(state, d.fix) } }
    : undefined;
  return {
    range: state.range(d),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'unas',
    message: d.message,
    ...related,
    ...(data ? { data } : {}),
  };
}
