import { fileURLToPath } from 'node:url';
import type { Position, Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentFacts } from '../engine/checks/document-facts.js';
import type { Span } from '../engine/language/syntax-tree.js';
import type { UnasServices } from '../services.js';

/**
 * One version of one open document, immutable: its text, and everything derived from it computed
 * lazily once (the analysis, estimates, findings — the engine's {@link DocumentFacts} — and the
 * symbol index…). Requests and the diagnostics publisher share it, so a burst of edits costs
 * nothing until something asks, and a request never sees a half-updated document.
 */
export class DocumentState extends DocumentFacts {
  /** A private snapshot for offset ↔ position (the live TextDocument is updated in place). */
  private readonly lines: TextDocument;

  constructor(
    readonly uri: string,
    readonly version: number,
    text: string,
    readonly services: UnasServices,
  ) {
    super(text, services, fileOf(uri));
    this.lines = TextDocument.create(uri, 'unas', version, text);
  }

  position(offset: number): Position {
    return this.lines.positionAt(offset);
  }

  range(span: Span): Range {
    return { start: this.lines.positionAt(span.start), end: this.lines.positionAt(span.end) };
  }

  offset(position: Position): number {
    return this.lines.offsetAt(position);
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }
}

function fileOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
