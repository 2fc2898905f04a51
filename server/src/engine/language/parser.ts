import { EmbeddedActionsParser, type IToken, type TokenType } from 'chevrotain';
import {
  allTokens,
  argTokens,
  Comma,
  Compare,
  createLexer,
  DotDot,
  LCurly,
  MAX_TOKEN_CHARS,
  NumberLit,
  Percent,
  Pipe,
  RCurly,
  Semicolon,
  Shape,
  StringLit,
  Word,
} from './tokens.js';
import { childContext, startsStatement, type ContextId } from './schema.js';
import type { Atom, AtomKind, Block, Statement, SyntaxError, SyntaxTree } from './syntax-tree.js';

/**
 * The grammar is uniform: every construct is a statement `HEAD ARG* BLOCK? ;?` and a block is
 * `{ STATEMENT* }`. A statement's arguments run to the end of its line (continued across lines
 * only after or before `,` `|` `..` or a comparison), to `;`, `{` or `}`, or to the next word that
 * starts a statement in the enclosing block (so `target x { ram <= 2 KB  flash <= 4 KB }` is two
 * statements). Meaning is given later by the lowering against the schema; this keeps the parser
 * small, total (it never throws) and able to recover at every statement.
 */

const KIND: ReadonlyMap<TokenType, AtomKind> = new Map<TokenType, AtomKind>([
  [Word, 'word'],
  [NumberLit, 'number'],
  [StringLit, 'string'],
  [Shape, 'shape'],
  [Percent, 'percent'],
  [DotDot, 'dotdot'],
  [Comma, 'comma'],
  [Pipe, 'pipe'],
  [Compare, 'compare'],
]);
/** Tokens that cannot start a statement (a Word always does). */
const JUNK = argTokens.filter((t) => t !== Word);
const JOINERS = new Set<TokenType>([Comma, Pipe, DotDot, Compare]);

/** Deepest `{ … }` nesting parsed (the rules recurse once per level); deeper blocks are skipped. */
export const MAX_NESTING = 64;
export { MAX_TOKEN_CHARS };
/** Most syntax errors kept per document: a junk file must not produce millions of them. */
export const MAX_SYNTAX_ERRORS = 500;

/** Token text for a message, shortened. */
const quote = (image: string): string => `'${image.length > 40 ? `${image.slice(0, 40)}…` : image}'`;

/** Exclusive end offset (chevrotain's endOffset is inclusive, and optional in its types). */
const endOf = (t: IToken): number => (t.endOffset ?? t.startOffset + t.image.length - 1) + 1;

function atom(t: IToken): Atom {
  return { kind: KIND.get(t.tokenType) ?? 'word', text: t.image, start: t.startOffset, end: endOf(t) };
}

class UnasParser extends EmbeddedActionsParser {
  private contexts: ContextId[] = ['document'];
  syntaxErrors: SyntaxError[] = [];

  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  load(tokens: IToken[]): void {
    this.contexts = ['document'];
    this.syntaxErrors = [];
    this.input = tokens;
  }

  readonly document = this.RULE('document', (): Statement[] => {
    const out: Statement[] = [];
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const st = this.SUBRULE(this.statement);
            if (st) out.push(st);
          },
        },
        // A stray token where a statement should start: report it and go on.
        {
          ALT: () => {
            this.junk(this.CONSUME(RCurly));
          },
        },
        // An empty statement (`;;`) is harmless.
        {
          ALT: () => {
            this.CONSUME(Semicolon);
          },
        },
        {
          ALT: () => {
            this.junk(this.OR2(JUNK.map((t) => ({ ALT: () => this.CONSUME2(t) }))));
          },
        },
      ]);
    });
    return out;
  });

  private readonly statement = this.RULE(
    'statement',
    (): Statement | undefined => {
      const head = this.CONSUME(Word);
      const args: Atom[] = [];
      this.MANY({
        GATE: () => this.continuesArgs(),
        DEF: () => {
          const t = this.OR(argTokens.map((tt) => ({ ALT: () => this.CONSUME2(tt) })));
          this.ACTION(() => args.push(atom(t)));
        },
      });
      let block: Block | undefined;
      this.OPTION(() => {
        block = this.SUBRULE(this.block, { ARGS: [head.image] });
      });
      let end = this.ACTION(() => Math.max(endOf(head), args.at(-1)?.end ?? 0, block?.end ?? 0)) ?? 0;
      this.OPTION2(() => {
        const t = this.CONSUME(Semicolon);
        end = endOf(t);
      });
      return this.ACTION(() => ({
        head: atom(head),
        args,
        ...(block ? { block } : {}),
        start: head.startOffset,
        end,
      }));
    },
    { recoveryValueFunc: () => undefined },
  );

  private readonly block = this.RULE(
    'block',
    (head: string): Block => {
      const open = this.CONSUME(LCurly);
      this.ACTION(() => this.contexts.push(childContext(this.context, head)));
      const statements: Statement[] = [];
      this.MANY(() => {
        this.OR([
          {
            ALT: () => {
              const st = this.SUBRULE(this.statement);
              if (st) statements.push(st);
            },
          },
          // An empty statement (`;;`) is harmless.
          {
            ALT: () => {
              this.CONSUME(Semicolon);
            },
          },
          {
            ALT: () => {
              this.junk(this.OR2(JUNK.map((t) => ({ ALT: () => this.CONSUME2(t) }))));
            },
          },
        ]);
      });
      let close: IToken | undefined;
      this.OPTION(() => {
        close = this.CONSUME(RCurly);
      });
      return this.ACTION(() => {
        this.contexts.pop();
        const last = statements.at(-1);
        if (!close)
          this.syntaxErrors.push({
            message: "missing '}' to close this block",
            start: open.startOffset,
            end: endOf(open),
          });
        return {
          open: open.startOffset,
          close: close?.startOffset,
          statements,
          end: close ? endOf(close) : Math.max(endOf(open), last?.end ?? 0),
        };
      });
    },
    { recoveryValueFunc: () => ({ open: 0, close: undefined, statements: [], end: 0 }) },
  );

  private get context(): ContextId {
    return this.contexts[this.contexts.length - 1] ?? 'document';
  }

  private junk(t: IToken): void {
    this.ACTION(() => {
      const what = t.tokenType === RCurly ? "'}' without a matching '{'" : quote(t.image);
      this.syntaxErrors.push({
        message: `unexpected ${what}: a statement starts with a name`,
        start: t.startOffset,
        end: endOf(t),
      });
    });
  }

  private continuesArgs(): boolean {
    const next = this.LA(1);
    const nt = next.tokenType;
    if (!argTokens.includes(nt)) return false;
    const prev = this.LA(0);
    if (JOINERS.has(prev.tokenType) || JOINERS.has(nt) || nt === Percent) return true;
    if ((next.startLine ?? 0) > (prev.endLine ?? 0)) return false;
    return !(nt === Word && startsStatement(this.context, next.image));
  }
}

let shared: UnasParser | undefined;
/** One parser instance, reset per document (chevrotain's self-analysis is the costly part). */
function parser(): UnasParser {
  return (shared ??= new UnasParser());
}
const lexer = createLexer();

/** Parses `.unas` text into a syntax tree. Never throws: problems are in `errors`. */
export function parseSyntax(text: string): SyntaxTree {
  const lexed = lexer.tokenize(text);
  const errors: SyntaxError[] = lexed.errors.map((e) => ({
    message: `unexpected character '${text.substr(e.offset, Math.max(1, e.length)).slice(0, 20)}'`,
    start: e.offset,
    end: e.offset + Math.max(1, e.length),
  }));
  const p = parser();
  p.load(boundTokens(lexed.tokens, errors));
  const statements = p.document() ?? [];
  // concat, not push(...): a junk document has more errors than the stack has room for arguments.
  const all = errors.concat(p.syntaxErrors, recognitionErrors(p));
  // The shared parser would otherwise hold this document's tokens (and through them its text) until the next parse.
  p.load([]);
  const comments = (lexed.groups['comments'] ?? []).map((t) => ({ start: t.startOffset, end: endOf(t) }));
  return { text, statements, errors: dedupe(all, text.length), comments };
}

/**
 * Drops what the parser must not see, each with a located error: tokens longer than
 * MAX_TOKEN_CHARS, and blocks nested deeper than MAX_NESTING (the `{ … }` is skipped whole), so
 * parsing and every recursive walk of the tree stay within the stack whatever the input.
 */
function boundTokens(tokens: readonly IToken[], errors: SyntaxError[]): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.image.length > MAX_TOKEN_CHARS) {
      errors.push({
        message: `this token is ${t.image.length} characters long; at most ${MAX_TOKEN_CHARS} are allowed`,
        start: t.startOffset,
        end: endOf(t),
      });
      continue;
    }
    if (t.tokenType === LCurly && depth === MAX_NESTING) {
      let d = 1;
      while (d > 0 && i + 1 < tokens.length) {
        const tt = tokens[++i]!.tokenType;
        if (tt === LCurly) d++;
        else if (tt === RCurly) d--;
      }
      errors.push({
        message: `blocks are nested more than ${MAX_NESTING} deep; this block is skipped`,
        start: t.startOffset,
        end: endOf(tokens[i]!),
      });
      continue;
    }
    if (t.tokenType === LCurly) depth++;
    else if (t.tokenType === RCurly && depth > 0) depth--;
    out.push(t);
  }
  return out;
}

function recognitionErrors(p: UnasParser): SyntaxError[] {
  // chevrotain's own recognition exceptions (recovered from) live on `p.errors`.
  return p.errors.map((e) => {
    const t = e.token;
    const eof = t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset);
    const prev = (e as { previousToken?: IToken }).previousToken;
    const at = eof ? (prev ? endOf(prev) : Number.MAX_SAFE_INTEGER) : t.startOffset;
    const end = eof ? at : endOf(t);
    return { message: friendly(e.message, eof), start: at, end };
  });
}

function friendly(message: string, eof: boolean): string {
  if (eof) return 'unexpected end of file';
  const m = /Expecting (?:token of type )?--> (\w+) <--.*but found --> '(.*)' <--/s.exec(message);
  if (m)
    return `expected ${m[1] === 'RCurly' ? "'}'" : m[1] === 'Word' ? 'a name' : m[1]} but found ${quote(m[2] ?? '')}`;
  return message.split('\n')[0] ?? message;
}

function dedupe(errors: SyntaxError[], length: number): SyntaxError[] {
  const seen = new Set<string>();
  const out: SyntaxError[] = [];
  for (const e of errors) {
    const start = Math.min(Math.max(0, e.start), length);
    const end = Math.min(Math.max(start, e.end), length);
    const key = `${start}:${end}:${e.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ ...e, start, end });
    }
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  if (out.length <= MAX_SYNTAX_ERRORS) return out;
  const last = out[MAX_SYNTAX_ERRORS - 1]!;
  return [
    ...out.slice(0, MAX_SYNTAX_ERRORS),
    {
      message: `${out.length - MAX_SYNTAX_ERRORS} more syntax errors after this one are not shown`,
      start: last.start,
      end: last.end,
    },
  ];
}
