import type { Statement } from './syntax-tree.js';
import { diag, type Report } from './diagnostics.js';
import { Args, type Located } from './args.js';
import type { PruningDecl } from './ast.js';
import { requireBlock, walk } from './walk.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** `10%..80%` (or a single `50%` = `50%..50%`): sparsities in [0, 99%]. */
function sparsityRange(a: Args, report: Report): Located<{ min: number; max: number }> | undefined {
  const lo = a.fraction(0, 0.99);
  if (!lo) return undefined;
  if (a.peek()?.kind !== 'dotdot') return { value: { min: lo.value, max: lo.value }, span: lo.span };
  a.next();
  const hi = a.fraction(0, 0.99);
  if (!hi) return undefined;
  const span = { start: lo.span.start, end: hi.span.end };
  if (hi.value < lo.value) {
    report(diag(span, 'empty-range', 'empty range: the first sparsity must not exceed the second'));
    return undefined;
  }
  return { value: { min: lo.value, max: hi.value }, span };
}

/** `pruning { structured 10%..80%  epochs 3..18  every 16 }`. */
export function lowerPruning(st: Statement, report: Report): PruningDecl | undefined {
  Args.of(st, report).done();
  const block = requireBlock(st, report, 'pruning { structured 10%..80%  epochs 3..18 }');
  if (!block) return undefined;
  const p: Mutable<PruningDecl> = { span: st };
  const kind = (k: 'structured' | 'unstructured') => (x: Statement) => {
    if (p.kind) {
      report(
        diag(x.head, 'pruning-kind', `pruning is already ${p.kind.value}: choose structured or unstructured`),
      );
      return;
    }
    const a = Args.of(x, report);
    const r = sparsityRange(a, report);
    a.done();
    p.kind = { value: k, span: x.head };
    if (r) p.sparsity = r;
  };
  walk(block.statements, 'pruning', report, {
    structured: kind('structured'),
    unstructured: kind('unstructured'),
    epochs: (x) => {
      const a = Args.of(x, report);
      const r = a.intRange(1, 100000);
      a.done();
      if (r) p.epochs = r;
    },
    every: (x) => {
      const a = Args.of(x, report);
      const v = a.int(1, 100000);
      a.done();
      if (v) p.every = v;
    },
  });
  if (!p.kind)
    report(diag(st.head, 'missing-value', 'pruning needs `structured 10%..80%` or `unstructured 20%..98%`'));
  return p;
}
