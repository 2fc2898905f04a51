import type { Block, Statement } from './syntax-tree.js';
import { diag, type Report } from './diagnostics.js';
import { unknownWord } from './args.js';
import { headsOf, specOf, type ContextId } from './schema.js';

export type Handlers = Readonly<Record<string, (st: Statement) => void>>;

const CONTEXT_NAME: Readonly<Record<ContextId, string>> = {
  document: 'at the top level',
  search: 'in a search',
  dataset: 'in a dataset',
  augment: 'in augment',
  features: 'in features',
  target: 'in a target',
  constraints: 'in constraints',
  space: 'in a space',
  blocks: 'in blocks',
  layers: 'in layers',
  'space-dense': "in a space's dense",
  strategy: 'in a strategy',
  pruning: 'in pruning',
  train: 'in train',
  final: 'in final',
  inherit: 'in inherit',
  model: 'in a model',
  paths: 'in add/concat',
};

/**
 * Visits the statements of a block against the schema of `context`: unknown heads get a "did you
 * mean", repeated singletons and stray `{ … }` blocks are reported, known ones go to their handler.
 */
export function walk(
  statements: readonly Statement[],
  context: ContextId,
  report: Report,
  handlers: Handlers,
): void {
  const seen = new Map<string, Statement>();
  for (const st of statements) {
    const head = st.head.text;
    const spec = specOf(context, head);
    const handler = handlers[head];
    if (!spec || !handler) {
      report(unknownWord(st.head, head, headsOf(context), `expected ${describe(context)}`));
      continue;
    }
    const before = seen.get(head);
    if (before && !spec.repeatable) {
      report(
        diag(
          st.head,
          'duplicate-setting',
          `'${head}' is set twice ${CONTEXT_NAME[context]}; the later one wins`,
          'warning',
        ),
      );
    }
    seen.set(head, st);
    if (st.block && !spec.block)
      report(
        diag(
          { start: st.block.open, end: st.block.open + 1 },
          'unexpected-block',
          `'${head}' takes no { … } block`,
        ),
      );
    handler(st);
  }
}

function describe(context: ContextId): string {
  const heads = headsOf(context);
  const shown = heads.slice(0, 8).join(', ');
  return `${heads.length > 8 ? `one of ${shown}, …` : `one of ${shown}`} ${CONTEXT_NAME[context]}`;
}

/** Reports a statement that needs a `{ … }` block and has none. */
export function requireBlock(st: Statement, report: Report, example: string): Block | undefined {
  if (!st.block) report(diag(st.head, 'missing-block', `'${st.head.text}' needs a block: ${example}`));
  return st.block;
}
