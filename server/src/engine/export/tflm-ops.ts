import type { BuiltinName, TensorType, TfliteModel } from './tflite-model.js';

/**
 * Every operator the exporter writes, with the inputs TensorFlow Lite Micro's kernels accept (int8
 * models), each from the kernel source that reads them (paths in tensorflow/tflite-micro). One table:
 * the exporter refuses a model outside it (`tflmProblems`), the `.tflite` reader refuses such files,
 * and docs/export.md shows the same rows (a test keeps them equal). Why it matters: TFLM's ADD reads
 * inputs 0 and 1 and never checks the count, so a third input is dropped without an error.
 */
export interface InputSlot {
  /** `activation`: computed at run time; `constant`: stored data; `either`. */
  readonly role: 'activation' | 'constant' | 'either';
  readonly type: TensorType;
  /** May be left out (only at the end). */
  readonly optional?: boolean;
}

export interface TflmOp {
  readonly inputs: readonly InputSlot[];
  /** The single slot repeats between `min` and `max` times (CONCATENATION). */
  readonly repeat?: { readonly min: number; readonly max: number };
  /** The kernel file(s) the counts and types come from. */
  readonly source: string;
  /** What the source does with the inputs. */
  readonly reads: string;
}

const act: InputSlot = { role: 'activation', type: 'int8' };
const weights: InputSlot = { role: 'constant', type: 'int8' };
const bias: InputSlot = { role: 'constant', type: 'int32', optional: true };
const int32Const: InputSlot = { role: 'constant', type: 'int32' };

export const TFLM_OPS: Readonly<Record<BuiltinName, TflmOp>> = {
  CONV_2D: {
    inputs: [act, weights, bias],
    source: 'kernels/conv.cc, kernels/conv_common.cc',
    reads: '`TF_LITE_ENSURE(has_bias || inputs->size == 2)`; int8 input with int8 (or int4) filter',
  },
  DEPTHWISE_CONV_2D: {
    inputs: [act, weights, bias],
    source: 'kernels/depthwise_conv.cc, kernels/depthwise_conv_common.cc',
    reads: '2 or 3 inputs, checked as for CONV_2D',
  },
  FULLY_CONNECTED: {
    inputs: [act, weights, bias],
    source: 'kernels/fully_connected.cc',
    reads: 'input, weights, optional bias; int8 input needs int8 (or int4) weights',
  },
  MAX_POOL_2D: {
    inputs: [act],
    source: 'kernels/pooling.cc, kernels/pooling_common.cc',
    reads: 'input 0; int8 input and output must share scale and zero point',
  },
  AVERAGE_POOL_2D: {
    inputs: [act],
    source: 'kernels/pooling.cc, kernels/pooling_common.cc',
    reads: 'input 0; int8 input and output must share scale and zero point',
  },
  MEAN: {
    inputs: [act, int32Const],
    source: 'kernels/reduce.cc, kernels/reduce_common.cc',
    reads: '`TF_LITE_ENSURE_EQ(inputs->size, 2)`; the axis tensor must be int32',
  },
  REDUCE_MAX: {
    inputs: [act, int32Const],
    source: 'kernels/reduce.cc, kernels/reduce_common.cc',
    reads: '`TF_LITE_ENSURE_EQ(inputs->size, 2)`; the axis tensor must be int32',
  },
  RESHAPE: {
    inputs: [act, { ...int32Const, optional: true }],
    source: 'kernels/reshape.cc, kernels/reshape_common.cc',
    reads: '`NumInputs(node) == 1 || NumInputs(node) == 2`',
  },
  ADD: {
    inputs: [act, { role: 'either', type: 'int8' }],
    source: 'kernels/add.cc, kernels/add_common.cc',
    reads: 'inputs 0 and 1 only — the count is **not** checked, a third input is silently ignored',
  },
  MUL: {
    inputs: [act, { role: 'either', type: 'int8' }],
    source: 'kernels/mul.cc, kernels/mul_common.cc',
    reads: 'inputs 0 and 1 (`kMulInput1Tensor`, `kMulInput2Tensor`)',
  },
  CONCATENATION: {
    inputs: [act],
    repeat: { min: 2, max: 10 },
    source: 'kernels/concatenation.cc',
    reads: '`num_inputs <= kMaxInputNum` (10); the output type must be the input type',
  },
  SOFTMAX: {
    inputs: [act],
    source: 'kernels/softmax.cc, kernels/softmax_common.cc',
    reads: 'input 0; int8 output scale 1/256, zero point −128',
  },
  RELU: {
    inputs: [act],
    source: 'kernels/activations.cc, kernels/activations_common.cc',
    reads: 'input 0',
  },
  RELU6: {
    inputs: [act],
    source: 'kernels/activations.cc, kernels/activations_common.cc',
    reads: 'input 0',
  },
};

const slotText = (s: InputSlot): string =>
  `${s.role === 'either' ? 'activation or constant' : s.role} ${s.type}${s.optional ? ' (optional)' : ''}`;

/** The inputs column of docs/export.md's table. */
export function inputsText(op: TflmOp): string {
  if (op.repeat) return `${op.repeat.min}–${op.repeat.max} × ${slotText(op.inputs[0]!)}`;
  const required = op.inputs.filter((s) => !s.optional).length;
  const count = required === op.inputs.length ? `${required}` : `${required}–${op.inputs.length}`;
  return `${count}: ${op.inputs.map(slotText).join(', ')}`;
}

/** The table's row for `name`, as docs/export.md shows it. */
export function tableRow(name: BuiltinName): string {
  const op = TFLM_OPS[name];
  const files = op.source
    .split(', ')
    .map((f) => `\`tensorflow/lite/micro/${f}\``)
    .join(', ');
  return `| ${name} | ${inputsText(op)} | int8 | ${files} | ${op.reads.replaceAll('|', '\\|')} |`;
}

/**
 * What in `model` TFLite Micro's kernels would not run as written: one message per operator, empty
 * when every operator matches the table.
 */
export function tflmProblems(model: TfliteModel): string[] {
  const problems: string[] = [];
  model.operators.forEach((o, i) => {
    const where = `operator ${i} (${o.op})`;
    const spec = (TFLM_OPS as Partial<Record<string, TflmOp>>)[o.op];
    if (!spec) {
      problems.push(`${where}: not an operator the exporter may write`);
      return;
    }
    const n = o.inputs.length;
    const slots = spec.repeat
      ? n >= spec.repeat.min && n <= spec.repeat.max
        ? Array.from({ length: n }, () => spec.inputs[0]!)
        : undefined
      : n >= spec.inputs.filter((s) => !s.optional).length && n <= spec.inputs.length
        ? spec.inputs.slice(0, n)
        : undefined;
    if (!slots) {
      problems.push(
        `${where}: ${n} input${n === 1 ? '' : 's'}; TFLite Micro's kernel takes ${inputsText(spec)} (tensorflow/lite/micro/${spec.source.split(', ').pop()!})`,
      );
      return;
    }
    slots.forEach((s, k) => {
      const t = model.tensors[o.inputs[k]!];
      if (!t) {
        problems.push(`${where}: input ${k} is no tensor`);
        return;
      }
      const constant = t.data !== undefined;
      if (t.type !== s.type || (s.role === 'constant' && !constant) || (s.role === 'activation' && constant))
        problems.push(
          `${where}: input ${k} '${t.name}' is ${constant ? 'a constant' : 'an activation'} ${t.type}; the kernel takes ${slotText(s)}`,
        );
    });
    const out = o.outputs.length === 1 ? model.tensors[o.outputs[0]!] : undefined;
    if (!out || out.type !== 'int8' || out.data !== undefined)
      problems.push(`${where}: TFLite Micro's kernel writes one int8 activation`);
  });
  return problems;
}
