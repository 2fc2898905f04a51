import type { Span, Statement } from './syntax-tree.js';
import { diag, type Report } from './diagnostics.js';
import { Args, spanOf, type Located } from './args.js';
import { requireBlock, walk } from './walk.js';
import {
  DATASET_KINDS,
  METRICS,
  type AugmentDecl,
  type ConstraintDecl,
  type DatasetDecl,
  type DatasetKind,
  type FeaturesDecl,
  type Metric,
  type FinalDecl,
  type InheritDecl,
  type HalvingDecl,
  type OptimizerKind,
  type Schedule,
  type StrategyDecl,
  type StrategyKind,
  type TargetDecl,
  type TrainDecl,
} from './ast.js';
import type { Dimension } from './units.js';
import { KERNEL_LIBRARIES } from '../resources/kernel-scratch.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const METRIC_DIM: Readonly<Record<Exclude<Metric, 'error'>, Dimension>> = {
  ram: 'bytes',
  arena: 'bytes',
  flash: 'bytes',
  macs: 'count',
  latency: 'time',
};

/** `ram <= 8 KB [hard|soft]` (and the other metrics). */
export function lowerConstraint(st: Statement, report: Report): ConstraintDecl | undefined {
  const a = Args.of(st, report);
  const metric = st.head.text as Metric;
  const op = a.compare();
  if (!op) {
    // One finding is enough: the rest of the statement is what the missing operator would have bounded.
    report(
      diag(
        st.head,
        'missing-compare',
        `a constraint needs a limit: ${metric} <= ${metric === 'error' ? '5%' : metric === 'macs' ? '1 M' : metric === 'latency' ? '50 ms' : '8 KB'}`,
      ),
    );
    return undefined;
  }
  const limit = metric === 'error' ? a.fraction(0, 1) : a.quantity(METRIC_DIM[metric]);
  let mode: 'hard' | 'soft' = 'hard';
  if (!a.empty) {
    const m = a.word(['hard', 'soft'] as const);
    if (m) mode = m.value;
  }
  a.done();
  if (!limit) return undefined;
  if (limit.value <= 0 && metric !== 'error') {
    report(diag(limit.span, 'out-of-range', `a ${metric} limit must be positive`));
    return undefined;
  }
  return { span: st, metric: { value: metric, span: st.head }, op: op.value, limit, mode };
}

export function lowerConstraints(st: Statement, report: Report, out: ConstraintDecl[]): void {
  const block = requireBlock(st, report, 'constraints { ram <= 8 KB  flash <= 16 KB }');
  Args.of(st, report).done();
  if (!block) return;
  const handlers = Object.fromEntries(
    METRICS.map((m) => [
      m,
      (s: Statement) => {
        const c = lowerConstraint(s, report);
        if (c) out.push(c);
      },
    ]),
  );
  walk(block.statements, 'constraints', report, handlers);
}

export function lowerObjectives(
  st: Statement,
  report: Report,
): Located<readonly Located<Metric>[]> | undefined {
  const parts = Args.of(st, report).split('comma');
  const items: Located<Metric>[] = [];
  for (const p of parts) {
    const m = p.word(METRICS);
    p.done();
    if (!m) continue;
    if (items.some((x) => x.value === m.value))
      report(diag(m.span, 'duplicate-objective', `'${m.value}' is listed twice`, 'warning'));
    else items.push(m);
  }
  if (!parts.length) {
    report(diag(st.head, 'missing-value', `objectives needs a list such as: error, ram, flash, macs`));
    return undefined;
  }
  return { value: items, span: spanOf(st.args, st.head) };
}

export function lowerDataset(st: Statement, report: Report): DatasetDecl | undefined {
  const a = Args.of(st, report);
  const kind = a.word<DatasetKind>(DATASET_KINDS, `a dataset: ${DATASET_KINDS.join(', ')}`);
  a.done();
  if (!kind) return undefined;
  const d: Mutable<DatasetDecl> = { span: st, kind };
  if (st.block) {
    const str =
      (k: 'path' | 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels') => (s: Statement) => {
        const x = Args.of(s, report);
        const v = x.string();
        x.done();
        if (v) d[k] = v;
      };
    walk(st.block.statements, 'dataset', report, {
      path: str('path'),
      'train-images': str('trainImages'),
      'train-labels': str('trainLabels'),
      'test-images': str('testImages'),
      'test-labels': str('testLabels'),
      input: (s) => {
        const x = Args.of(s, report);
        const v = x.shape();
        x.done();
        if (v) {
          if (v.value.length !== 3) report(diag(v.span, 'shape', 'a dataset input is H×W×C, e.g. 28x28x1'));
          else d.input = v;
        }
      },
      classes: (s) => {
        const x = Args.of(s, report);
        const v = x.int(2, 100000);
        x.done();
        if (v) d.classes = v;
      },
      validation: (s) => {
        const x = Args.of(s, report);
        const v = x.fraction(0, 0.9);
        x.done();
        if (v) d.validation = v;
      },
      subset: (s) => {
        const x = Args.of(s, report);
        const v = x.int(10, 1e9);
        x.done();
        if (v) d.subset = v;
      },
      augment: (s) => {
        const v = lowerAugment(s, report);
        if (v) d.augment = v;
      },
      words: (s) => {
        const v = lowerWords(s, report);
        if (v) d.words = v;
      },
      silence: (s) => {
        const x = Args.of(s, report);
        const v = x.fraction(0, 1);
        x.done();
        if (v) d.silence = v;
      },
      unknown: (s) => {
        const x = Args.of(s, report);
        const v = x.fraction(0, 1);
        x.done();
        if (v) d.unknown = v;
      },
      features: (s) => {
        const v = lowerFeatures(s, report);
        if (v) d.features = v;
      },
    });
  }
  return d;
}

function lowerAugment(st: Statement, report: Report): AugmentDecl | undefined {
  Args.of(st, report).done();
  const block = requireBlock(st, report, 'augment { shift 2  rotate 10  flip }');
  if (!block) return undefined;
  const written = new Map<string, Span>();
  const aug: Mutable<AugmentDecl> = { span: st, shift: 0, rotate: 0, flip: false, written };
  for (const s of block.statements) written.set(s.head.text, s.head);
  walk(block.statements, 'augment', report, {
    shift: (s) => {
      const x = Args.of(s, report);
      // `shift 100 ms` shifts audio in time; a bare number shifts images by pixels.
      if (x.peek(1)?.kind === 'word') {
        const t = x.quantity('time');
        x.done();
        if (t && t.value > 0.5) report(diag(t.span, 'out-of-range', 'an audio shift is at most 500 ms'));
        else if (t) aug.shiftTime = t;
        return;
      }
      const v = x.int(0, 64);
      x.done();
      if (v) aug.shift = v.value;
    },
    noise: (s) => {
      const x = Args.of(s, report);
      const v = x.fraction(0, 1);
      x.done();
      if (v) aug.noise = v;
    },
    volume: (s) => {
      const x = Args.of(s, report);
      const v = x.fraction(0, 1);
      x.done();
      if (v) aug.volume = v;
    },
    copies: (s) => {
      const x = Args.of(s, report);
      const v = x.int(0, 32);
      x.done();
      if (v) aug.copies = v;
    },
    rotate: (s) => {
      const x = Args.of(s, report);
      const v = x.number('an angle in degrees');
      x.done();
      if (v) {
        if (v.value < 0 || v.value > 180)
          report(diag(v.span, 'out-of-range', 'rotate must be between 0 and 180 degrees'));
        else aug.rotate = v.value;
      }
    },
    flip: (s) => {
      Args.of(s, report).done();
      aug.flip = true;
    },
  });
  return aug;
}

/** `words yes, no, up`: distinct names. */
function lowerWords(st: Statement, report: Report): Located<readonly Located<string>[]> | undefined {
  const items: Located<string>[] = [];
  for (const p of Args.of(st, report).split('comma')) {
    const w = p.name('a word (the name of a folder of clips)');
    p.done();
    if (!w) continue;
    if (w.value === 'silence' || w.value === 'unknown')
      report(diag(w.span, 'reserved-word', `'${w.value}' is a class of its own; it cannot be a keyword`));
    else if (items.some((x) => x.value === w.value))
      report(diag(w.span, 'duplicate-word', `'${w.value}' is listed twice`, 'warning'));
    else items.push(w);
  }
  if (!items.length) {
    report(diag(st.head, 'missing-value', 'words needs a list such as: yes, no, up, down'));
    return undefined;
  }
  return { value: items, span: spanOf(st.args, st.head) };
}

/** `features mfcc { window 30 ms … }`. */
function lowerFeatures(st: Statement, report: Report): FeaturesDecl | undefined {
  const a = Args.of(st, report);
  const kind = a.word(['mfcc'] as const, 'a front end: mfcc');
  a.done();
  if (!kind) return undefined;
  const f: Mutable<FeaturesDecl> = { span: st, kind };
  if (!st.block) return f;
  const time = (k: 'window' | 'stride') => (s: Statement) => {
    const x = Args.of(s, report);
    const v = x.quantity('time');
    x.done();
    if (v && !(v.value >= 0.001 && v.value <= 1))
      report(diag(v.span, 'out-of-range', `${k} must be between 1 ms and 1 s`));
    else if (v) f[k] = v;
  };
  const hz = (k: 'low' | 'high') => (s: Statement) => {
    const x = Args.of(s, report);
    const v = x.quantity('frequency');
    x.done();
    if (v && !(v.value >= 0 && v.value <= 8000))
      report(
        diag(
          v.span,
          'out-of-range',
          `${k} must be between 0 Hz and 8 kHz (the Nyquist frequency of 16 kHz audio)`,
        ),
      );
    else if (v) f[k] = v;
  };
  const count = (k: 'coefficients' | 'bands') => (s: Statement) => {
    const x = Args.of(s, report);
    const v = x.int(1, 128);
    x.done();
    if (v) f[k] = v;
  };
  walk(st.block.statements, 'features', report, {
    window: time('window'),
    stride: time('stride'),
    coefficients: count('coefficients'),
    bands: count('bands'),
    low: hz('low'),
    high: hz('high'),
  });
  return f;
}

export function lowerTarget(st: Statement, report: Report, constraints: ConstraintDecl[]): TargetDecl {
  const a = Args.of(st, report);
  const t: Mutable<TargetDecl> = { span: st };
  if (!a.empty) {
    const b = a.name('a board such as nucleo-f746zg, or custom');
    if (b) t.board = { name: b.value, span: b.span };
  }
  a.done();
  if (st.block) {
    const bytes = (k: 'ram' | 'flash' | 'ramReserve' | 'flashReserve') => (s: Statement) => {
      if (s.args[0]?.kind === 'compare') {
        const c = lowerConstraint(s, report);
        if (c) constraints.push(c);
        return;
      }
      const x = Args.of(s, report);
      const v = x.quantity('bytes');
      x.done();
      if (v) t[k] = v;
    };
    const constraint = (s: Statement) => {
      const c = lowerConstraint(s, report);
      if (c) constraints.push(c);
    };
    walk(st.block.statements, 'target', report, {
      core: (s) => {
        const x = Args.of(s, report);
        const v = x.name('a core such as cortex-m4');
        x.done();
        if (v) t.core = v;
      },
      clock: (s) => {
        const x = Args.of(s, report);
        const v = x.quantity('frequency');
        x.done();
        if (v) t.clockHz = v;
      },
      kernels: (s) => {
        const x = Args.of(s, report);
        const v = x.word(KERNEL_LIBRARIES, 'cmsis-nn or reference');
        x.done();
        if (v) t.kernels = v;
      },
      ram: bytes('ram'),
      flash: bytes('flash'),
      'ram-reserve': bytes('ramReserve'),
      'flash-reserve': bytes('flashReserve'),
      arena: constraint,
      macs: constraint,
      latency: constraint,
    });
  }
  return t;
}

export function lowerStrategy(st: Statement, report: Report): StrategyDecl | undefined {
  const a = Args.of(st, report);
  const kind = a.word<StrategyKind>(['evolution', 'bayesian', 'random'], 'evolution, bayesian or random');
  a.done();
  if (!kind) return undefined;
  const s: Mutable<StrategyDecl> = { span: st, kind };
  if (st.block) {
    const int =
      (k: 'population' | 'sample' | 'rounds' | 'workers' | 'seed' | 'initial', min: number, max: number) =>
      (x: Statement) => {
        const r = Args.of(x, report);
        const v = r.int(min, max);
        r.done();
        if (v) s[k] = v;
      };
    walk(st.block.statements, 'strategy', report, {
      population: int('population', 2, 100000),
      sample: int('sample', 1, 100000),
      rounds: int('rounds', 1, 10_000_000),
      workers: int('workers', 1, 256),
      seed: int('seed', 0, 2 ** 31 - 1),
      initial: int('initial', 2, 100000),
      halving: (x) => {
        const v = lowerHalving(x, report);
        if (v) s.halving = v;
      },
      time: (x) => {
        const v = lowerTimeBudget(x, report);
        if (v) s.time = v;
      },
    });
  }
  return s;
}

/** `halving epochs 1 subset 2500 keep 50% rungs 3`, in any order. */
function lowerHalving(st: Statement, report: Report): Located<HalvingDecl> | undefined {
  const a = Args.of(st, report);
  const v: { epochs?: number; subset?: number; keep?: number; rungs?: number } = {};
  while (!a.empty) {
    const key = a.word(
      ['epochs', 'subset', 'keep', 'rungs'] as const,
      'epochs N, subset N, keep P% or rungs N',
    );
    if (!key) {
      a.done();
      return undefined;
    }
    const n =
      key.value === 'keep'
        ? a.fraction(0.01, 0.99)
        : key.value === 'epochs'
          ? a.int(1, 1000)
          : key.value === 'rungs'
            ? a.int(2, 10)
            : a.int(10, 1e9);
    if (!n) {
      a.done();
      return undefined;
    }
    v[key.value] = n.value;
  }
  return {
    value: { epochs: v.epochs ?? 1, subset: v.subset ?? 0, keep: v.keep ?? 0.5, rungs: v.rungs ?? 2 },
    span: spanOf(st.args, st.head),
  };
}

export function lowerTrain(st: Statement, report: Report): TrainDecl | undefined {
  Args.of(st, report).done();
  const block = requireBlock(st, report, 'train { epochs 10  batch 128 }');
  const t: Mutable<TrainDecl> = { span: st };
  if (!block) return t;
  const num =
    (k: 'lr' | 'momentum' | 'weightDecay' | 'labelSmoothing', min: number, max: number, label: string) =>
    (x: Statement) => {
      const r = Args.of(x, report);
      const v = r.number();
      r.done();
      if (!v) return;
      if (v.value < min || v.value > max) {
        report(diag(v.span, 'out-of-range', `${label} must be between ${min} and ${max}`));
        return;
      }
      t[k] = v;
    };
  const int = (k: 'epochs' | 'batch' | 'earlyStop', min: number, max: number) => (x: Statement) => {
    const r = Args.of(x, report);
    const v = r.int(min, max);
    r.done();
    if (v) t[k] = v;
  };
  walk(block.statements, 'train', report, {
    epochs: int('epochs', 1, 100000),
    batch: int('batch', 1, 65536),
    'early-stop': int('earlyStop', 1, 100000),
    optimizer: (x) => {
      const r = Args.of(x, report);
      const v = r.word<OptimizerKind>(['sgd', 'adam']);
      r.done();
      if (v) t.optimizer = v;
    },
    lr: num('lr', 1e-9, 10, 'lr'),
    momentum: num('momentum', 0, 0.9999, 'momentum'),
    'weight-decay': num('weightDecay', 0, 1, 'weight-decay'),
    'label-smoothing': num('labelSmoothing', 0, 0.5, 'label-smoothing'),
    schedule: (x) => {
      const v = lowerSchedule(x, report);
      if (v) t.schedule = v;
    },
  });
  return t;
}

function lowerSchedule(st: Statement, report: Report): Located<Schedule> | undefined {
  const a = Args.of(st, report);
  const kind = a.word(['constant', 'cosine', 'step'] as const);
  if (!kind) {
    a.done();
    return undefined;
  }
  if (kind.value !== 'step') {
    a.done();
    return { value: { kind: kind.value }, span: spanOf(st.args, st.head) };
  }
  const steps: { epoch: number; lr: number }[] = [];
  for (const p of a.split('comma')) {
    const e = p.int(1, 100000, 'an epoch and a rate, e.g. 15 0.005');
    const lr = e ? p.number('a learning rate') : undefined;
    p.done();
    if (e && lr) {
      if (steps.length && e.value <= steps[steps.length - 1]!.epoch)
        report(diag(e.span, 'out-of-order', 'schedule steps must be in increasing epoch order'));
      else steps.push({ epoch: e.value, lr: lr.value });
    }
  }
  if (!steps.length) {
    report(
      diag(kind.span, 'missing-value', 'schedule step needs EPOCH LR pairs, e.g. step 15 0.005, 30 0.001'),
    );
    return undefined;
  }
  return { value: { kind: 'step', steps }, span: spanOf(st.args, st.head) };
}

/**
 * `final { top 4  knees  distinct  epochs 15  time 15 min  warm }`: the front members re-trained at
 * the end, how long, from what.
 */
export function lowerFinal(st: Statement, report: Report): FinalDecl {
  Args.of(st, report).done();
  const block = requireBlock(st, report, 'final { top 4  epochs 15 }');
  const f: Mutable<FinalDecl> = { span: st };
  if (!block) return f;
  const int = (k: 'top' | 'epochs', min: number, max: number) => (x: Statement) => {
    const r = Args.of(x, report);
    const v = r.int(min, max);
    r.done();
    if (v) f[k] = v;
  };
  walk(block.statements, 'final', report, {
    top: int('top', 0, 100000),
    epochs: int('epochs', 1, 100000),
    knees: (x) => {
      Args.of(x, report).done();
      f.knees = true;
    },
    warm: (x) => {
      Args.of(x, report).done();
      f.warm = true;
    },
    distinct: (x) => {
      Args.of(x, report).done();
      f.distinct = true;
    },
    time: (x) => {
      const v = lowerTimeBudget(x, report);
      if (v) f.time = v;
    },
  });
  return f;
}

/** `time 45 min`: a wall-time budget (of a search, of its final phase), at least 1 s. */
function lowerTimeBudget(x: Statement, report: Report): Located<number> | undefined {
  const r = Args.of(x, report);
  const v = r.quantity('time');
  r.done();
  if (v && v.value < 1) {
    report(diag(v.span, 'out-of-range', 'a time budget must be at least 1 s'));
    return undefined;
  }
  return v;
}

/** `inherit { epochs 3 }`: children start from their parent's trained weights and train this long. */
export function lowerInherit(st: Statement, report: Report): InheritDecl {
  Args.of(st, report).done();
  const block = requireBlock(st, report, 'inherit { epochs 3 }');
  const d: Mutable<InheritDecl> = { span: st };
  if (!block) return d;
  walk(block.statements, 'inherit', report, {
    epochs: (x) => {
      const r = Args.of(x, report);
      const v = r.int(1, 100000);
      r.done();
      if (v) d.epochs = v;
    },
  });
  return d;
}
