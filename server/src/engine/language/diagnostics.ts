import type { Span } from './syntax-tree.js';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A text edit: replace [start, end) with `text`. */
export interface Edit extends Span {
  readonly text: string;
}

/** A fix that is certain (a misspelling with one close match, a missing unit, a swapped range). */
export interface Fix {
  readonly title: string;
  readonly edits: readonly Edit[];
}

export interface Diagnostic extends Span {
  readonly severity: Severity;
  readonly message: string;
  /** Stable identifier of the rule, e.g. `unknown-word`, `unit`, `empty-range`. */
  readonly code: string;
  readonly fix?: Fix;
}

export type Report = (d: Diagnostic) => void;

export function diag(
  span: Span,
  code: string,
  message: string,
  severity: Severity = 'error',
  fix?: Fix,
): Diagnostic {
  return { start: span.start, end: span.end, severity, message, code, ...(fix ? { fix } : {}) };
}
