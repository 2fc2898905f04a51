import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

/**
 * Lexical structure of `.unas`. Words are deliberately generic (no reserved keywords at the lexer
 * level): which words start a statement depends on the enclosing block, which the schema knows.
 * So a new setting never breaks an old file that used the same word as a name or a value.
 */

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
/** Longest token (a path, a name, a number); the parser reports and drops a longer one. */
export const MAX_TOKEN_CHARS = 1024;

// A block comment. A scan that remembers from where no closing star-slash follows: with a regex,
// a run of unclosed openers (slash-star slash-star …) re-scanned the rest of the text from each one,
// quadratic in the length of the text.
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: { exec: matchBlockComment },
  start_chars_hint: ['/'],
  line_breaks: true,
  group: 'comments',
});
/**
 * `"…"` with `\` escapes, on one line. A scan, not `/"(?:[^"\\\n\r]|\\.)*"/`: that regex retried
 * from every `"` of an unterminated line (`"\"\"\"…`), quadratic in its length. A string still
 * open after MAX_TOKEN_CHARS is taken whole, to the end of the line, and reported as too long.
 */
export const StringLit = createToken({
  name: 'String',
  pattern: { exec: matchString },
  start_chars_hint: ['"'],
  line_breaks: false,
});
/**
 * `28x28x1`, `3x3`: a shape or a size, before Number so that the digits are not split off. A scan,
 * not the regex `\d+(?:x\d+)+(?![A-Za-z0-9_])`, whose backtracking overflows the stack on a long one.
 */
export const Shape = createToken({
  name: 'Shape',
  pattern: { exec: matchShape },
  start_chars_hint: [...'0123456789'],
  line_breaks: false,
});

const isLineEnd = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

function matchString(text: string, offset: number): [string] | null {
  if (text.charCodeAt(offset) !== 34 /* " */) return null;
  let i = offset + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) return [text.slice(offset, i + 1)];
    if (c === 10 || c === 13) break;
    if (c === 92 /* \ */) {
      if (i + 1 >= text.length || isLineEnd(text.charCodeAt(i + 1))) break;
      i += 2;
    } else i++;
  }
  return i - offset > MAX_TOKEN_CHARS ? [text.slice(offset, i)] : null;
}

// Per lexer run (keyed by its token array, so nothing outlives it): the offset from which no
// closing star-slash follows.
const noCommentEnd = new WeakMap<IToken[], number>();

function matchBlockComment(text: string, offset: number, tokens: IToken[]): [string] | null {
  if (text.charCodeAt(offset) !== 47 /* / */ || text.charCodeAt(offset + 1) !== 42 /* * */) return null;
  if (offset >= (noCommentEnd.get(tokens) ?? Infinity)) return null;
  const end = text.indexOf('*/', offset + 2);
  if (end < 0) {
    noCommentEnd.set(tokens, offset);
    return null;
  }
  return [text.slice(offset, end + 2)];
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordChar = (c: number): boolean =>
  isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

function matchShape(text: string, offset: number): [string] | null {
  let i = offset;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === offset) return null;
  let groups = 0;
  for (;;) {
    if (text.charCodeAt(i) !== 120 /* x */ || !isDigit(text.charCodeAt(i + 1))) break;
    i += 2;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    groups++;
  }
  // Same as the regex: every shorter match would end before a digit or an `x` (word characters).
  if (groups === 0 || (i < text.length && isWordChar(text.charCodeAt(i)))) return null;
  return [text.slice(offset, i)];
}
/** Numbers; a leading minus is allowed so that a sign error is reported by the validator, not the lexer. */
export const NumberLit = createToken({
  name: 'Number',
  pattern: /-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/,
});
/** Names, keywords, units, board ids: letters, digits, `_` and inner `-` (`nucleo-f746zg`, `early-stop`). */
export const Word = createToken({ name: 'Word', pattern: /[A-Za-z_μµ](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9_]))*/ });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./ });
export const LCurly = createToken({ name: 'LCurly', pattern: /{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /}/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Pipe = createToken({ name: 'Pipe', pattern: /\|/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const Compare = createToken({ name: 'Compare', pattern: /<=|>=|<|>|==|=|≤|≥/ });

/** Order matters: longer / more specific patterns first. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  StringLit,
  DotDot,
  Shape,
  NumberLit,
  Word,
  LCurly,
  RCurly,
  Comma,
  Pipe,
  Semicolon,
  Percent,
  Compare,
];

/** Tokens that may appear in a statement's argument list. */
export const argTokens: TokenType[] = [
  StringLit,
  Shape,
  NumberLit,
  Word,
  DotDot,
  Comma,
  Pipe,
  Percent,
  Compare,
];

export function createLexer(): Lexer {
  return new Lexer(allTokens, {
    positionTracking: 'full',
    ensureOptimizations: false,
    recoveryEnabled: true,
  });
}
