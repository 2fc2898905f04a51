import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../engine/language/diagnostics.js';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint } as const;

export function toLspDiagnostic(doc: TextDocument, d: Diagnostic): LspDiagnostic {
  return {
    range: { start: doc.positionAt(d.start), end: doc.positionAt(d.end) },
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'unas',
    message: d.message,
    ...(d.fix ? { data: { fix: d.fix } } : {}),
  };
}
