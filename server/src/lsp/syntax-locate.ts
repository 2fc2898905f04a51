import { childContext, type ContextId } from '../engine/language/schema.js';
import type { Atom, Statement, SyntaxTree } from '../engine/language/syntax-tree.js';

/** Where an offset falls in the syntax tree: the block context, the statement and the atom. */
export interface SyntaxLocation {
  /** Context of the innermost block holding the offset. */
  readonly context: ContextId;
  /** Statements whose blocks enclose the offset, outermost first. */
  readonly parents: readonly Statement[];
  /** The statement whose head or arguments the offset is in (or right after, on the same line). */
  readonly statement?: Statement;
  /** The atom under the offset (head or argument). */
  readonly atom?: Atom;
  readonly inHead: boolean;
  /** Arguments of `statement` that end before the offset, the atom under it excluded. */
  readonly before: readonly Atom[];
  readonly inComment: boolean;
}

const JOINERS = new Set(['comma', 'pipe', 'dotdot', 'compare']);

/**
 * Locates `offset`. `preferEnd` picks the atom that ends at the offset when two touch it (the
 * word being typed, for completion); otherwise the one that starts there (hover).
 */
export function locate(tree: SyntaxTree, offset: number, preferEnd = false): SyntaxLocation {
  const inComment = tree.comments.some((c) =>
    tree.text.startsWith('//', c.start)
      ? c.start < offset && offset <= c.end
      : c.start < offset && offset < c.end,
  );
  let statements = tree.statements;
  let context: ContextId = 'document';
  const parents: Statement[] = [];
  descend: for (;;) {
    for (const st of statements) {
      const b = blockOf(st);
      if (b && offset > b.open && offset <= (b.close ?? tree.text.length)) {
        parents.push(st);
        context = childContext(context, st.head.text);
        statements = b.statements;
        continue descend;
      }
    }
    break;
  }
  const statement = statements.find((st) => holds(tree.text, st, offset));
  if (!statement || inComment) return { context, parents, inHead: false, before: [], inComment };
  const atoms = [statement.head, ...statement.args];
  const ending = atoms.find((a) => a.start < offset && offset <= a.end);
  const starting = atoms.find((a) => a.start <= offset && offset < a.end);
  const atom = preferEnd ? (ending ?? starting) : (starting ?? ending);
  const before = statement.args.filter((a) => a !== atom && a.end <= offset);
  return {
    context,
    parents,
    statement,
    ...(atom ? { atom } : {}),
    inHead: atom === statement.head,
    before,
    inComment,
  };
}

/** Whether the offset is in the statement's head or arguments (or in the gap where the next argument goes). */
function holds(text: string, st: Statement, offset: number): boolean {
  if (offset < st.head.start) return false;
  const b = blockOf(st);
  if (b && offset > b.open) return false;
  const last = st.args.at(-1) ?? st.head;
  if (offset <= last.end) return true;
  if (st.end > last.end && text[st.end - 1] === ';' && offset >= st.end) return false;
  const gap = text.slice(last.end, offset);
  if (JOINERS.has(last.kind)) return /^\s*$/.test(gap);
  return /^[ \t]*$/.test(gap);
}

/** The statement's block, unless it is the parser's placeholder for a block it could not read. */
export function blockOf(st: Statement): Statement['block'] {
  return st.block && st.block.open >= st.head.end ? st.block : undefined;
}

/** Visits every statement with the context it is in, depth first. */
export function forEachStatement(
  statements: readonly Statement[],
  visit: (st: Statement, context: ContextId, parents: readonly Statement[]) => void,
  context: ContextId = 'document',
  parents: readonly Statement[] = [],
): void {
  for (const st of statements) {
    visit(st, context, parents);
    if (st.block)
      forEachStatement(st.block.statements, visit, childContext(context, st.head.text), [...parents, st]);
  }
}

/** Argument atoms that carry a value (separators left out). */
export function values(atoms: readonly Atom[]): Atom[] {
  return atoms.filter((a) => !JOINERS.has(a.kind) && a.kind !== 'percent');
}

export function isJoiner(a: Atom | undefined): boolean {
  return a !== undefined && JOINERS.has(a.kind);
}

/** Every statement by the offset of its head (AST nodes carry their statement's span). */
export function statementsByStart(tree: SyntaxTree): Map<number, Statement> {
  const out = new Map<number, Statement>();
  forEachStatement(tree.statements, (st) => {
    out.set(st.start, st);
  });
  return out;
}
