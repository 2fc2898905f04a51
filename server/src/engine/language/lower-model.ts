import type { Statement } from './syntax-tree.js';
import { diag, type Report } from './diagnostics.js';
import { Args, unknownWord } from './args.js';
import { walk } from './walk.js';
import type { LayerDecl, ModelDecl } from './ast.js';
import type { Activation, Op, Padding, Pair } from '../arch/graph.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Mods {
  kernel?: Pair;
  stride?: Pair;
  multiplier?: number;
  padding: Padding;
  activation: Activation;
  batchnorm: boolean;
  /** a modifier was given but rejected (already reported) */ invalid?: boolean;
}

const MOD_WORDS = ['k3', 's2', 'm2', 'same', 'valid', 'relu', 'relu6', 'bn'];

/** Reads `k3 s2 m2 same relu bn` modifiers in any order; `allowed` lists which apply to this op. */
function mods(a: Args, report: Report, op: string, allowed: ReadonlySet<string>): Mods {
  const m: Mods = { padding: 'valid', activation: 'none', batchnorm: false };
  while (!a.empty) {
    const t = a.next()!;
    const pair = (x: RegExpExecArray): Pair => [Number(x[1]), Number(x[2] ?? x[1])];
    let kind: string | undefined;
    let r: RegExpExecArray | null;
    if (t.kind !== 'word') kind = undefined;
    else if ((r = /^k(\d+)(?:x(\d+))?$/.exec(t.text))) {
      kind = 'k';
      m.kernel = pair(r);
    } else if ((r = /^s(\d+)(?:x(\d+))?$/.exec(t.text))) {
      kind = 's';
      m.stride = pair(r);
    } else if ((r = /^m(\d+)$/.exec(t.text))) {
      kind = 'm';
      m.multiplier = Number(r[1]);
    } else if (t.text === 'same' || t.text === 'valid') {
      kind = 'pad';
      m.padding = t.text;
    } else if (t.text === 'relu' || t.text === 'relu6') {
      kind = 'act';
      m.activation = t.text;
    } else if (t.text === 'bn' || t.text === 'batchnorm') {
      kind = 'bn';
      m.batchnorm = true;
    }
    if (!kind) {
      report(
        t.kind === 'word'
          ? unknownWord(t, t.text, MOD_WORDS, `${op} options are ${describe(allowed)}`)
          : diag(t, 'unexpected-value', `unexpected '${t.text}': ${op} options are ${describe(allowed)}`),
      );
    } else if (!allowed.has(kind)) {
      report(
        diag(t, 'unexpected-value', `${op} takes no '${t.text}' (its options are ${describe(allowed)})`),
      );
    } else if (
      (kind === 'k' && m.kernel!.some((d) => d < 1 || d > 15)) ||
      (kind === 's' && m.stride!.some((d) => d < 1 || d > 8)) ||
      (kind === 'm' && (m.multiplier! < 1 || m.multiplier! > 16))
    ) {
      report(
        diag(
          t,
          'out-of-range',
          kind === 'k'
            ? 'kernel sizes go from 1 to 15'
            : kind === 's'
              ? 'strides go from 1 to 8'
              : 'the depth multiplier goes from 1 to 16',
        ),
      );
      if (kind === 'k') delete m.kernel;
      else if (kind === 's') delete m.stride;
      else delete m.multiplier;
      m.invalid = true;
    }
  }
  return m;
}

function describe(allowed: ReadonlySet<string>): string {
  const names: Record<string, string> = {
    k: 'kN (kernel)',
    s: 'sN (stride)',
    m: 'mN (multiplier)',
    pad: 'same/valid',
    act: 'relu/relu6',
    bn: 'bn',
  };
  return [...allowed].map((k) => names[k]).join(', ') || 'none';
}

const CONV = new Set(['k', 's', 'pad', 'act', 'bn']);
const DW = new Set(['k', 's', 'm', 'pad', 'act', 'bn']);
const POOL = new Set(['s', 'pad']);
const DENSE = new Set(['act', 'bn']);
const NONE = new Set<string>();

function lowerLayer(st: Statement, report: Report): LayerDecl {
  const a = Args.of(st, report);
  const head = st.head.text;
  const op = ((): Op | undefined => {
    switch (head) {
      case 'conv2d':
      case 'conv1x1': {
        const f = a.int(1, 65536, 'a number of filters, e.g. 16');
        const m = mods(a, report, head, head === 'conv2d' ? CONV : DENSE);
        const kernel: Pair | undefined = head === 'conv1x1' ? [1, 1] : m.kernel;
        if (!kernel && head === 'conv2d' && !m.invalid)
          report(
            diag(st.head, 'missing-value', 'conv2d needs a kernel size, e.g. conv2d 16 k3', 'error', {
              title: 'Add kernel k3',
              edits: [
                {
                  start: st.args.at(0)?.end ?? st.head.end,
                  end: st.args.at(0)?.end ?? st.head.end,
                  text: ' k3',
                },
              ],
            }),
          );
        if (!f || !kernel) return undefined;
        return {
          kind: 'conv2d',
          filters: f.value,
          kernel,
          stride: m.stride ?? [1, 1],
          padding: m.padding,
          activation: m.activation,
          batchnorm: m.batchnorm,
        };
      }
      case 'dwconv2d': {
        const m = mods(a, report, head, DW);
        if (!m.kernel) {
          if (!m.invalid)
            report(
              diag(st.head, 'missing-value', 'dwconv2d needs a kernel size, e.g. dwconv2d k3', 'error', {
                title: 'Add kernel k3',
                edits: [{ start: st.head.end, end: st.head.end, text: ' k3' }],
              }),
            );
          return undefined;
        }
        return {
          kind: 'dwconv2d',
          kernel: m.kernel,
          stride: m.stride ?? [1, 1],
          multiplier: m.multiplier ?? 1,
          padding: m.padding,
          activation: m.activation,
          batchnorm: m.batchnorm,
        };
      }
      case 'maxpool':
      case 'avgpool': {
        const size = a.int(1, 64, 'a pool size, e.g. 2');
        const m = mods(a, report, head, POOL);
        if (!size) return undefined;
        const p: Pair = [size.value, size.value];
        return {
          kind: 'pool',
          type: head === 'maxpool' ? 'max' : 'avg',
          size: p,
          stride: m.stride ?? p,
          padding: m.padding,
        };
      }
      case 'gap':
      case 'gmp':
        mods(a, report, head, NONE);
        return { kind: 'global-pool', type: head === 'gap' ? 'avg' : 'max' };
      case 'flatten':
        mods(a, report, head, NONE);
        return { kind: 'flatten' };
      case 'softmax':
        mods(a, report, head, NONE);
        return { kind: 'softmax' };
      case 'batchnorm':
        mods(a, report, head, NONE);
        return { kind: 'batchnorm' };
      case 'relu':
      case 'relu6':
        mods(a, report, head, NONE);
        return { kind: 'activation', fn: head };
      case 'dense': {
        const u = a.int(1, 1 << 20, 'a number of units, e.g. 10');
        const m = mods(a, report, head, DENSE);
        return u
          ? { kind: 'dense', units: u.value, activation: m.activation, batchnorm: m.batchnorm }
          : undefined;
      }
      case 'dropout': {
        const r = a.number('a rate between 0 and 1, e.g. 0.2');
        a.done();
        if (!r) return undefined;
        if (r.value < 0 || r.value >= 1) {
          report(diag(r.span, 'out-of-range', 'dropout rate must be at least 0 and below 1'));
          return undefined;
        }
        return { kind: 'dropout', rate: r.value };
      }
    }
    return undefined;
  })();
  return op ? { kind: 'op', span: st, op } : { kind: 'invalid', span: st };
}

function lowerLayers(
  statements: readonly Statement[],
  report: Report,
  model: Mutable<ModelDecl> | undefined,
): LayerDecl[] {
  const out: LayerDecl[] = [];
  const layer = (st: Statement) => {
    out.push(lowerLayer(st, report));
  };
  const merge = (st: Statement) => {
    Args.of(st, report).done();
    const mode = st.head.text as 'add' | 'concat';
    const paths: LayerDecl[][] = [];
    if (!st.block) {
      report(diag(st.head, 'missing-block', `${mode} needs paths: ${mode} { path { … } path { … } }`));
      return;
    }
    walk(st.block.statements, 'paths', report, {
      path: (p) => {
        Args.of(p, report).done();
        paths.push(p.block ? lowerLayers(p.block.statements, report, undefined) : []);
      },
    });
    if (paths.length < 2)
      report(diag(st.head, 'paths', `${mode} needs at least two paths (an empty path {} is the identity)`));
    out.push({ kind: 'merge', span: st, mode, paths });
  };
  const handlers: Record<string, (st: Statement) => void> = {
    conv2d: layer,
    conv1x1: layer,
    dwconv2d: layer,
    maxpool: layer,
    avgpool: layer,
    gap: layer,
    gmp: layer,
    flatten: layer,
    dense: layer,
    dropout: layer,
    batchnorm: layer,
    relu: layer,
    relu6: layer,
    softmax: layer,
    add: merge,
    concat: merge,
    input: (st) => {
      const a = Args.of(st, report);
      const v = a.shape();
      a.done();
      if (!model) {
        report(diag(st.head, 'misplaced', 'input belongs at the top of the model, not inside a path'));
        return;
      }
      if (v) {
        if (v.value.length !== 3 && v.value.length !== 1)
          report(diag(v.span, 'shape', 'input is H×W×C (e.g. 28x28x1) or a vector length'));
        else model.input = v;
      }
    },
    target: (st) => {
      const a = Args.of(st, report);
      const v = a.name('a board such as nucleo-f746zg');
      a.done();
      if (!model) {
        report(diag(st.head, 'misplaced', 'target belongs at the top of the model'));
        return;
      }
      if (v) model.target = { name: v.value, span: v.span };
    },
  };
  walk(statements, 'model', report, handlers);
  return out;
}

export function lowerModel(st: Statement, report: Report): ModelDecl | undefined {
  const a = Args.of(st, report);
  const n = a.name('a model name');
  a.done();
  if (!n) return undefined;
  const model: Mutable<ModelDecl> = {
    kind: 'model',
    name: { name: n.value, span: n.span },
    span: st,
    layers: [],
  };
  if (!st.block) {
    report(diag(st.head, 'missing-block', 'a model needs a body: model NAME { input 28x28x1 … }'));
    return model;
  }
  model.layers = lowerLayers(st.block.statements, report, model);
  return model;
}
