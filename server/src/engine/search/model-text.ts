import type { ArchGraph, Op, Pair } from '../arch/graph.js';
import { analyze } from '../language/analyze.js';
import type { Layer } from '../arch/layers.js';
import { lowerGenotype, type Genotype } from './genotype.js';

/**
 * A genotype as `.unas` model text ("Open as model"). It prints the very layer list the genotype's
 * graph was built from, so parsing it back gives the same graph node for node (a test checks this
 * on random genotypes).
 */

const pair = (p: Pair, prefix: string): string =>
  p[0] === p[1] ? `${prefix}${p[0]}` : `${prefix}${p[0]}x${p[1]}`;

/**
 * One layer statement in the syntax of docs/language.md, e.g. `conv2d 16 k3 s2 same bn relu`.
 * `bn` is printed before the activation: `relu` also starts a statement of its own (a standalone,
 * fused activation), and with `bn` first the text means the same whichever way a parser splits it.
 */
export function opText(op: Op): string {
  const act = (a: string) => (a === 'none' ? '' : ` ${a}`);
  switch (op.kind) {
    case 'input':
      return `input ${op.shape.join('x')}`;
    case 'conv2d': {
      const mods = `${op.batchnorm ? ' bn' : ''}${act(op.activation)}`;
      if (
        op.kernel[0] === 1 &&
        op.kernel[1] === 1 &&
        op.stride[0] === 1 &&
        op.stride[1] === 1 &&
        op.padding === 'valid'
      )
        return `conv1x1 ${op.filters}${mods}`;
      return `conv2d ${op.filters} ${pair(op.kernel, 'k')}${op.stride[0] === 1 && op.stride[1] === 1 ? '' : ` ${pair(op.stride, 's')}`}${op.padding === 'same' ? ' same' : ''}${mods}`;
    }
    case 'dwconv2d':
      return `dwconv2d ${pair(op.kernel, 'k')}${op.stride[0] === 1 && op.stride[1] === 1 ? '' : ` ${pair(op.stride, 's')}`}${op.multiplier === 1 ? '' : ` m${op.multiplier}`}${op.padding === 'same' ? ' same' : ''}${op.batchnorm ? ' bn' : ''}${act(op.activation)}`;
    case 'pool': {
      // The language's pool is square; the stride defaults to the size.
      const size = op.size[0];
      const stride = op.stride[0] === size && op.stride[1] === size ? '' : ` ${pair(op.stride, 's')}`;
      return `${op.type}pool ${size}${stride}${op.padding === 'same' ? ' same' : ''}`;
    }
    case 'global-pool':
      return op.type === 'avg' ? 'gap' : 'gmp';
    case 'flatten':
      return 'flatten';
    case 'dense':
      return `dense ${op.units}${op.batchnorm ? ' bn' : ''}${act(op.activation)}`;
    case 'dropout':
      return `dropout ${op.rate}`;
    case 'softmax':
      return 'softmax';
    case 'batchnorm':
      return 'batchnorm';
    case 'activation':
      return op.fn;
    case 'add':
    case 'concat':
      return op.kind;
  }
}

function layerLines(layers: readonly Layer[], indent: string, out: string[]): void {
  for (const l of layers) {
    if (l.kind === 'op') out.push(indent + opText(l.op));
    else if (l.kind === 'merge') {
      out.push(`${indent}${l.mode} {`);
      for (const p of l.paths) {
        out.push(`${indent}  path {`);
        layerLines(p, `${indent}    `, out);
        out.push(`${indent}  }`);
      }
      out.push(`${indent}}`);
    }
  }
}

/** The model body: `input …` then one layer per line (branches as `add { path { … } … }`). */
export function genotypeToModelBody(g: Genotype, indent = ''): string {
  const out = [`${indent}input ${g.input.join('x')}`];
  layerLines(lowerGenotype(g).layers, indent, out);
  return out.join('\n');
}

/** A name the language accepts as a model name: letters, digits, `_` and inner `-`, starting with a letter. */
export function modelName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .replace(/-+$/, '');
  return cleaned || 'candidate';
}

/** `model NAME { … }` for a genotype; `name` is cleaned up to a valid model name. */
export function genotypeToModelText(g: Genotype, name: string): string {
  return `model ${modelName(name)} {\n${genotypeToModelBody(g, '  ')}\n}\n`;
}

/** A candidate's graph from its model text (genotypes are printed so that this round-trips exactly). */
export function graphOfModelText(text: string): ArchGraph | undefined {
  const a = analyze(text);
  const m = a.document.models[0];
  return m && !a.diagnostics.some((d) => d.severity === 'error') ? a.graphs.get(m) : undefined;
}
