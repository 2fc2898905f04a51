import type { Position, Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../engine/language/analyze.js';
import type { Span } from '../engine/language/syntax-tree.js';
import type { UnasServices } from '../services.js';

/**
 * One version of one open document, immutable: its text, and everything derived from it computed
 * lazily once (the analysis, estimates, symbol index…). Requests and the diagnostics publisher
 * share it, so a burst of edits costs nothing until something asks, and a request never sees a
 * half-updated document.
 */
export class DocumentState {
  private analysed: Analysis | undefined;
  private readonly derived = new Map<string, unknown>();
  /** A private snapshot for offset ↔ position (the live TextDocument is updated in place). */
  private readonly lines: TextDocument;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    readonly services: UnasServices,
  ) {
    this.lines = TextDocument.create(uri, 'unas', version, text);
  }

  get analysis(): Analysis {
    return (this.analysed ??= this.services.language.analyze(this.text));
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

  /** 1-based line of an offset, for messages ("peak at conv2d_1, line 12"). */
  lineOf(offset: number): number {
    return this.lines.positionAt(offset).line + 1;
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }

  /** Derived data, computed once per version under `key`. */
  memo<T>(key: string, compute: () => T): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const v = compute();
    this.derived.set(key, v);
    return v;
  }

  /** Whether an error-severity diagnostic lies within `span` (its lowering or shapes failed there). */
  hasErrorsIn(span: Span): boolean {
    const errors = this.memo('error-spans', () =>
      this.analysis.diagnostics.filter((d) => d.severity === 'error'),
    );
    return errors.some((d) => d.start >= span.start && d.start < span.end);
  }
}
