import type { Statement } from './syntax-tree.js';
import { diag, type Report } from './diagnostics.js';
import { Args, spanOf, type Located } from './args.js';
import { requireBlock, walk } from './walk.js';
import type { SpaceDecl } from './ast.js';
import type { FinalPool, LayerType, Weighted } from '../arch/space.js';
import type { Padding } from '../arch/graph.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * `a 30% | b | c`: choices with optional weights. Unweighted choices share what the weighted ones
 * leave; weights over 100% are an error.
 */
export function choices<T>(
  a: Args,
  one: (part: Args) => T | undefined,
  report: Report,
  span: { start: number; end: number },
): Weighted<T>[] | undefined {
  const parts = a.split('pipe');
  const read: { value: T; weight?: Located<number> }[] = [];
  for (const p of parts) {
    const value = one(p);
    const weight = p.weight();
    p.done();
    if (value !== undefined) read.push(weight ? { value, weight } : { value });
  }
  if (!read.length) {
    if (!parts.length) report(diag(span, 'missing-value', 'expected one or more choices separated by |'));
    return undefined;
  }
  const given = read.reduce((s, r) => s + (r.weight?.value ?? 0), 0);
  const free = read.filter((r) => !r.weight).length;
  if (given > 1 + 1e-9) {
    report(diag(span, 'weights', `the weights add up to ${Math.round(given * 100)}%, more than 100%`));
    return undefined;
  }
  if (!free && Math.abs(given - 1) > 1e-9)
    report(
      diag(
        span,
        'weights',
        `the weights add up to ${Math.round(given * 100)}%; they are scaled to 100%`,
        'warning',
      ),
    );
  const total = free ? 1 : given || 1;
  const rest = free ? (1 - given) / free : 0;
  return read.map((r) => ({ value: r.value, weight: (r.weight ? r.weight.value : rest) / total }));
}

/** `yes | no`, `yes 30% | no`, `30%` (= probability of yes), `relu 90% | none` → probability of the first kind. */
function probability(
  st: Statement,
  report: Report,
  yes: readonly string[],
  no: readonly string[],
): Located<number> | undefined {
  const a = Args.of(st, report);
  const span = spanOf(st.args, st.head);
  if (a.peek()?.kind === 'number') {
    const v = a.fraction(0, 1);
    a.done();
    return v;
  }
  const c = choices(a, (p) => p.word([...yes, ...no] as string[])?.value, report, span);
  if (!c) return undefined;
  return { value: c.filter((x) => yes.includes(x.value)).reduce((s, x) => s + x.weight, 0), span };
}

const int = (lo: number, hi: number) => (p: Args) => p.int(lo, hi)?.value;

export function lowerSpace(st: Statement, report: Report, named: boolean): SpaceDecl {
  const a = Args.of(st, report);
  const sp: Mutable<SpaceDecl> = { kind: 'space', span: st };
  if (named) {
    const n = a.name('a name for the space');
    if (n) sp.name = { name: n.value, span: n.span };
  }
  a.done();
  const block = requireBlock(st, report, 'space { blocks 1..4 { layers 1..3 { … } }  dense 0..2 { … } }');
  if (!block) return sp;
  walk(block.statements, 'space', report, {
    blocks: (s) => {
      const r = Args.of(s, report);
      const v = r.intRange(1, 64);
      r.done();
      if (v) sp.blocks = v;
      if (s.block)
        walk(s.block.statements, 'blocks', report, {
          layers: (l) => {
            const lr = Args.of(l, report);
            const lv = lr.intRange(1, 16);
            lr.done();
            if (lv) sp.layers = lv;
            if (l.block) lowerLayerSpace(l, report, sp);
          },
          branch: (b) => {
            const v2 = probability(b, report, ['yes'], ['no']);
            if (v2) sp.branch = v2;
          },
        });
    },
    pool: (s) => {
      const r = Args.of(s, report);
      const span = spanOf(s.args, s.head);
      const v = choices<FinalPool | null>(
        r,
        (p) => {
          const t = p.word(['none', 'avg', 'max'] as const);
          if (!t) return undefined;
          if (t.value === 'none') return null;
          const size = p.int(2, 64, 'a pool size such as 2');
          return size ? { type: t.value, size: size.value } : undefined;
        },
        report,
        span,
      );
      if (v) sp.pool = { value: v, span };
    },
    dense: (s) => {
      const r = Args.of(s, report);
      const v = r.intRange(0, 16);
      r.done();
      if (v) sp.dense = v;
      if (s.block)
        walk(s.block.statements, 'space-dense', report, {
          units: (u) => {
            const ur = Args.of(u, report);
            const uv = ur.intRange(1, 65536);
            ur.done();
            if (uv) sp.units = uv;
          },
          dropout: (d) => {
            const dr = Args.of(d, report);
            const dv = dr.fraction(0, 0.95);
            dr.done();
            if (dv) sp.dropout = dv;
          },
        });
    },
  });
  return sp;
}

function lowerLayerSpace(st: Statement, report: Report, sp: Mutable<SpaceDecl>): void {
  const block = st.block!;
  const list = <T>(s: Statement, one: (p: Args) => T | undefined): Located<Weighted<T>[]> | undefined => {
    const span = spanOf(s.args, s.head);
    const v = choices(Args.of(s, report), one, report, span);
    return v ? { value: v, span } : undefined;
  };
  walk(block.statements, 'layers', report, {
    op: (s) => {
      const v = list<LayerType>(s, (p) => p.word(['conv2d', 'conv1x1', 'dwconv2d'] as const)?.value);
      if (v) sp.types = v;
    },
    kernel: (s) => {
      const v = list(s, int(1, 15));
      if (v) sp.kernels = v;
    },
    stride: (s) => {
      const v = list(s, int(1, 8));
      if (v) sp.strides = v;
    },
    channels: (s) => {
      const r = Args.of(s, report);
      const v = r.intRange(1, 4096);
      r.done();
      if (v) sp.channels = v;
    },
    padding: (s) => {
      const v = list<Padding>(s, (p) => p.word(['valid', 'same'] as const)?.value);
      if (v) sp.padding = v;
    },
    prepool: (s) => {
      const span = spanOf(s.args, s.head);
      const v = choices<number | null>(
        Args.of(s, report),
        (p) => {
          const t = p.word(['none', 'max'] as const);
          if (!t) return undefined;
          if (t.value === 'none') return null;
          return p.int(2, 8, 'a pool size such as 2')?.value;
        },
        report,
        span,
      );
      if (!v) return;
      const sizes = [...new Set(v.filter((x) => x.value !== null).map((x) => x.value))];
      if (sizes.length > 1) report(diag(span, 'prepool', 'prepool takes one size (e.g. none | max 2)'));
      sp.prepool = {
        value: {
          probability: v.filter((x) => x.value !== null).reduce((a, x) => a + x.weight, 0),
          size: (sizes[0] as number | undefined) ?? 2,
        },
        span,
      };
    },
    batchnorm: (s) => {
      const v = probability(s, report, ['yes'], ['no']);
      if (v) sp.batchnorm = v;
    },
    activation: (s) => {
      const v = probability(s, report, ['relu'], ['none']);
      if (v) sp.relu = v;
    },
  });
}
