/** The untyped syntax tree the parser produces: offsets are UTF-16 indices into the text, `end` exclusive. */

export type AtomKind =
  'word' | 'number' | 'string' | 'shape' | 'percent' | 'dotdot' | 'comma' | 'pipe' | 'compare';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Atom extends Span {
  readonly kind: AtomKind;
  readonly text: string;
}

export interface Statement extends Span {
  readonly head: Atom;
  readonly args: readonly Atom[];
  readonly block?: Block;
}

export interface Block {
  /** Offset of `{`. */
  readonly open: number;
  /** Offset of `}`, undefined when it is missing. */
  readonly close: number | undefined;
  readonly statements: readonly Statement[];
  readonly end: number;
}

export interface SyntaxError extends Span {
  readonly message: string;
}

export interface SyntaxTree {
  /** The text it was parsed from. */
  readonly text: string;
  readonly statements: readonly Statement[];
  readonly errors: readonly SyntaxError[];
  readonly comments: readonly Span[];
}
