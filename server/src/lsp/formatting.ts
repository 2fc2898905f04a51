import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver';
import type { IToken } from 'chevrotain';
import { parseSyntax } from '../engine/language/parser.js';
import type { Statement } from '../engine/language/syntax-tree.js';
import { createLexer } from '../engine/language/tokens.js';
import type { DocumentState } from './document-state.js';

/**
 * The formatter. It keeps every line break — a statement ends at the end of its line, so moving
 * breaks could change meaning — and rewrites each line: indentation by block depth (one more
 * level for a line continuing a `,` `|` `..` or comparison), one space between tokens (none
 * around `..`, before `,` `;` `%`), no trailing blanks. Comments are kept as written; lines inside
 * a block comment and the rest of a line with an unreadable character are kept verbatim; a
 * statement that follows another on the same line gets two spaces before it. The
 * result is checked to lex to the same tokens, else nothing is changed. Idempotent.
 */

const lexer = createLexer();
const NO_SPACE_BEFORE = new Set([',', ';', '%', '..']);
const JOINERS = new Set(['Comma', 'Pipe', 'DotDot', 'Compare']);

/** Whether a space goes between two adjacent tokens on a line. */
export function spaceBetween(prev: string, next: string): boolean {
  return !(NO_SPACE_BEFORE.has(next) || prev === '..');
}

/** Offsets where statements start (a second statement on a line gets two spaces before it, as the docs write one-liners). */
function statementStarts(text: string): Set<number> {
  const out = new Set<number>();
  const visit = (sts: readonly Statement[]): void => {
    for (const st of sts) {
      out.add(st.head.start);
      if (st.block) visit(st.block.statements);
    }
  };
  visit(parseSyntax(text).statements);
  return out;
}

interface Line {
  readonly start: number;
  readonly end: number;
  readonly brk: string;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push({ start, end: m.index, brk: m[0] });
    start = m.index + m[0].length;
  }
  out.push({ start, end: text.length, brk: '' });
  return out;
}

const end = (t: IToken): number => t.startOffset + t.image.length;

/** The formatted lines of `text` (one per line of the input), or undefined when formatting would not be safe. */
export function formatLines(
  text: string,
  options: Pick<FormattingOptions, 'tabSize' | 'insertSpaces'>,
): { lines: Line[]; formatted: string[] } | undefined {
  const lexed = lexer.tokenize(text);
  const comments = lexed.groups['comments'] ?? [];
  const all = [...lexed.tokens, ...comments].sort((a, b) => a.startOffset - b.startOffset);
  const errors = lexed.errors.map((e) => e.offset);
  const unit = options.insertSpaces ? ' '.repeat(Math.max(1, Math.min(16, options.tabSize || 2))) : '\t';
  const lines = splitLines(text);
  const starts = statementStarts(text);
  const formatted: string[] = [];
  let k = 0;
  let depth = 0;
  let continues = false;
  for (const line of lines) {
    const original = text.slice(line.start, line.end);
    // Inside a block comment that began on an earlier line: verbatim.
    if (comments.some((c) => c.startOffset < line.start && end(c) > line.start)) {
      for (; k < all.length && all[k]!.startOffset < line.end; k++) {
        const t = all[k]!;
        if (t.image === '{') depth++;
        else if (t.image === '}') depth = Math.max(0, depth - 1);
        if (t.tokenType.GROUP !== 'comments') continues = JOINERS.has(t.tokenType.name);
      }
      formatted.push(original);
      continue;
    }
    const toks: IToken[] = [];
    while (k < all.length && all[k]!.startOffset < line.end) toks.push(all[k++]!);
    if (!toks.length && !errors.some((o) => o >= line.start && o < line.end)) {
      formatted.push('');
      continue;
    }
    let closers = 0;
    while (closers < toks.length && toks[closers]!.image === '}') closers++;
    const code = toks.filter((t) => t.tokenType.GROUP !== 'comments');
    const first = code[0];
    const level =
      Math.max(0, depth - closers) + (continues || (first && JOINERS.has(first.tokenType.name)) ? 1 : 0);
    const indent = unit.repeat(level);
    let body: string;
    if (errors.some((o) => o >= line.start && o < line.end)) {
      body = original.trim();
    } else {
      body = '';
      let prev: IToken | undefined;
      for (const t of toks) {
        const image = end(t) > line.end ? text.slice(t.startOffset, line.end) : t.image;
        const gap =
          prev === undefined
            ? ''
            : !spaceBetween(prev.image, t.image)
              ? ''
              : starts.has(t.startOffset) && prev.image !== '{' && prev.image !== ';'
                ? '  '
                : ' ';
        body += gap + image;
        prev = t;
      }
    }
    formatted.push(body ? indent + body : '');
    for (const t of code) {
      if (t.image === '{') depth++;
      else if (t.image === '}') depth = Math.max(0, depth - 1);
    }
    const last = code.at(-1);
    if (last) continues = JOINERS.has(last.tokenType.name);
  }
  // Safety net: the same tokens, in the same order, on the same lines.
  const again = lexer.tokenize(formatted.map((l, i) => l + lines[i]!.brk).join(''));
  const sig = (ts: IToken[]) =>
    ts.map((t) => `${t.tokenType.name}:${t.image}:${t.startLine ?? 0}`).join('\u0000');
  if (sig(again.tokens) !== sig(lexed.tokens) || again.errors.length !== lexed.errors.length)
    return undefined;
  return { lines, formatted };
}

/** The whole text formatted (for tests and the CLI); the input itself when formatting is not safe. */
export function formatText(
  text: string,
  options: Pick<FormattingOptions, 'tabSize' | 'insertSpaces'> = { tabSize: 2, insertSpaces: true },
): string {
  const r = formatLines(text, options);
  return r ? r.formatted.map((l, i) => l + r.lines[i]!.brk).join('') : text;
}

/** One edit per changed line (within `range`, when given). */
export function formattingEdits(state: DocumentState, options: FormattingOptions, range?: Range): TextEdit[] {
  const r = formatLines(state.text, options);
  if (!r) return [];
  const edits: TextEdit[] = [];
  r.lines.forEach((line, i) => {
    if (range && (i < range.start.line || i > range.end.line)) return;
    const next = r.formatted[i]!;
    if (next !== state.text.slice(line.start, line.end))
      edits.push({ range: state.range(line), newText: next });
  });
  return edits;
}
