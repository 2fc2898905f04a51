import type { Statement, SyntaxTree } from './syntax-tree.js';
import { diag, type Diagnostic, type Report } from './diagnostics.js';
import { Args } from './args.js';
import { walk } from './walk.js';
import type { ConstraintDecl, ModelDecl, SearchDecl, SpaceDecl, UnasDocument } from './ast.js';
import {
  lowerConstraints,
  lowerDataset,
  lowerObjectives,
  lowerFinal,
  lowerInherit,
  lowerStrategy,
  lowerTarget,
  lowerTrain,
} from './lower-search.js';
import { lowerSpace } from './lower-space.js';
import { lowerPruning } from './lower-pruning.js';
import { lowerModel } from './lower-model.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Gives the syntax tree its meaning: the typed AST plus every problem found on the way. */
export function lowerDocument(syntax: SyntaxTree): { document: UnasDocument; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (d) => diagnostics.push(d);
  const searches: SearchDecl[] = [];
  const models: ModelDecl[] = [];
  const spaces: SpaceDecl[] = [];
  walk(syntax.statements, 'document', report, {
    search: (st) => {
      const s = lowerSearch(st, report);
      if (s) searches.push(s);
    },
    model: (st) => {
      const m = lowerModel(st, report);
      if (m) models.push(m);
    },
    space: (st) => spaces.push(lowerSpace(st, report, true)),
  });
  return { document: { syntax, searches, models, spaces }, diagnostics };
}

function lowerSearch(st: Statement, report: Report): SearchDecl | undefined {
  const a = Args.of(st, report);
  const n = a.name('a search name');
  a.done();
  if (!n) return undefined;
  const constraints: ConstraintDecl[] = [];
  const written = new Set<string>();
  const s: Mutable<SearchDecl> = {
    kind: 'search',
    name: { name: n.value, span: n.span },
    span: st,
    constraints,
    baselines: [],
    written,
  };
  if (!st.block) {
    report(diag(st.head, 'missing-block', 'a search needs a body: search NAME { dataset … }'));
    return s;
  }
  for (const x of st.block.statements) written.add(x.head.text);
  walk(st.block.statements, 'search', report, {
    dataset: (x) => {
      const d = lowerDataset(x, report);
      if (d) s.dataset = d;
    },
    target: (x) => {
      s.target = lowerTarget(x, report, constraints);
    },
    constraints: (x) => lowerConstraints(x, report, constraints),
    objectives: (x) => {
      const o = lowerObjectives(x, report);
      if (o) s.objectives = o;
    },
    space: (x) => {
      if (x.block) {
        s.space = lowerSpace(x, report, false);
        return;
      }
      const r = Args.of(x, report);
      const ref = r.name('a space { … } block or the name of a top-level space');
      r.done();
      if (ref) s.space = { kind: 'space-ref', ref: { name: ref.value, span: ref.span }, span: x };
    },
    strategy: (x) => {
      const v = lowerStrategy(x, report);
      if (v) s.strategy = v;
    },
    train: (x) => {
      const v = lowerTrain(x, report);
      if (v) s.train = v;
    },
    pruning: (x) => {
      const v = lowerPruning(x, report);
      if (v) s.pruning = v;
    },
    convention: (x) => {
      const r = Args.of(x, report);
      const v = r.word(['tflm', 'unas'] as const);
      r.done();
      if (v) s.convention = v;
    },
    final: (x) => {
      s.final = lowerFinal(x, report);
    },
    inherit: (x) => {
      s.inherit = lowerInherit(x, report);
    },
    baseline: (x) => {
      for (const p of Args.of(x, report).split('comma')) {
        const m = p.name('a model name');
        p.done();
        if (m) s.baselines = [...s.baselines, { name: m.value, span: m.span }];
      }
    },
  });
  // Two limits on one metric: the tighter one binds; say so rather than guess silently.
  const byMetric = new Map<string, ConstraintDecl>();
  for (const c of constraints) {
    const prev = byMetric.get(c.metric.value);
    if (prev)
      report(
        diag(
          c.metric.span,
          'duplicate-constraint',
          `'${c.metric.value}' is constrained twice; the tighter limit applies`,
          'warning',
        ),
      );
    byMetric.set(c.metric.value, c);
  }
  return s;
}
