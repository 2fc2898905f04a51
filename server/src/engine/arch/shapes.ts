import type { Op, Padding, Shape } from './graph.js';
import { exactProduct, tensorTooBig, weightsTooMany } from './size-limits.js';

/**
 * The one shape function. The estimator, the trainer (tfjs layers) and the exporter all derive
 * shapes from here, so the network that is estimated is the network that is trained and shipped.
 * Semantics follow TensorFlow / Keras exactly:
 *   valid: out = floor((in − k) / s) + 1  (= ceil((in − k + 1) / s)), needs in ≥ k
 *   same:  out = ceil(in / s)
 * Pooling uses the same rule (Keras floors for valid pooling; μNAS's estimator rounded up, which
 * described a bigger network than the one it trained for odd sizes).
 */

export type ShapeResult = { ok: true; shape: Shape } | { ok: false; error: string };

export function windowOut(size: number, kernel: number, stride: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(size / stride);
  return size < kernel ? 0 : Math.floor((size - kernel) / stride) + 1;
}

const ok = (shape: Shape): ShapeResult => ({ ok: true, shape });
const fail = (error: string): ShapeResult => ({ ok: false, error });

function spatial(
  op: string,
  input: Shape,
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padding: Padding,
  channels: number,
  window = 'kernel',
): ShapeResult {
  if (input.length !== 3)
    return fail(
      `${op} needs a feature map (H×W×C) but its input is a vector of ${input[0] ?? 0}; it must come before flatten / global pooling / dense`,
    );
  const [h, w] = input as [number, number, number];
  if (padding === 'valid' && (kernel[0] > h || kernel[1] > w)) {
    return fail(
      `${op} ${window} ${kernel[0]}×${kernel[1]} is larger than its ${h}×${w} input (valid padding)`,
    );
  }
  const ho = windowOut(h, kernel[0], stride[0], padding);
  const wo = windowOut(w, kernel[1], stride[1], padding);
  if (ho < 1 || wo < 1) return fail(`${op} output would be ${ho}×${wo}`);
  return ok([ho, wo, channels]);
}

/**
 * Output shape of `op` applied to `inputs` (shapes without batch), or a plain-English error. Sizes no
 * microcontroller can hold are errors too, checked exactly before anything is allocated for them.
 */
export function inferShape(op: Op, inputs: readonly Shape[]): ShapeResult {
  const r = inferRawShape(op, inputs);
  if (!r.ok) return r;
  const tooBig = tensorTooBig(r.shape) ?? weightsTooMany(layerWeights(op, inputs[0] ?? []));
  return tooBig ? fail(tooBig) : r;
}

/** Exact weight count of a conv / depthwise / dense layer (0 for the others). */
function layerWeights(op: Op, input: Shape): bigint {
  const cin = input[input.length - 1] ?? 0;
  switch (op.kind) {
    case 'conv2d':
      return exactProduct([op.kernel[0], op.kernel[1], cin, op.filters]);
    case 'dwconv2d':
      return exactProduct([op.kernel[0], op.kernel[1], cin, op.multiplier]);
    case 'dense':
      return exactProduct([cin, op.units]);
    default:
      return 0n;
  }
}

function inferRawShape(op: Op, inputs: readonly Shape[]): ShapeResult {
  const first = inputs[0];
  if (op.kind === 'input') {
    if (op.shape.length === 0 || op.shape.some((d) => !Number.isInteger(d) || d < 1))
      return fail('input dimensions must be positive integers');
    return ok(op.shape);
  }
  if (!first) return fail(`${op.kind} has no input`);
  switch (op.kind) {
    case 'conv2d':
      if (op.filters < 1) return fail('conv2d needs at least 1 filter');
      return spatial('conv2d', first, op.kernel, op.stride, op.padding, op.filters);
    case 'dwconv2d':
      return spatial('dwconv2d', first, op.kernel, op.stride, op.padding, (first[2] ?? 0) * op.multiplier);
    case 'pool':
      return spatial(`${op.type}pool`, first, op.size, op.stride, op.padding, first[2] ?? 0, 'size');
    case 'global-pool':
      if (first.length !== 3) return fail('global pooling needs a feature map (H×W×C)');
      return ok([first[2]!]);
    case 'flatten':
      return ok([first.reduce((a, b) => a * b, 1)]);
    case 'dense':
      if (first.length !== 1)
        return fail(
          `dense needs a vector but its input is ${first.join('×')}; add flatten or global pooling before it`,
        );
      if (op.units < 1) return fail('dense needs at least 1 unit');
      return ok([op.units]);
    case 'add': {
      if (inputs.length < 2) return fail('add needs at least 2 inputs');
      const s = first.join('×');
      const bad = inputs.find((x) => x.join('×') !== s);
      return bad ? fail(`add inputs differ in shape: ${s} vs ${bad.join('×')}`) : ok(first);
    }
    case 'concat': {
      if (inputs.length < 2) return fail('concat needs at least 2 inputs');
      if (inputs.some((x) => x.length !== first.length)) return fail('concat inputs differ in rank');
      const lead = first.slice(0, -1).join('×');
      const bad = inputs.find((x) => x.slice(0, -1).join('×') !== lead);
      if (bad) return fail(`concat inputs differ in size: ${first.join('×')} vs ${bad.join('×')}`);
      return ok([...first.slice(0, -1), inputs.reduce((a, x) => a + (x[x.length - 1] ?? 0), 0)]);
    }
    case 'dropout':
    case 'softmax':
    case 'batchnorm':
    case 'activation':
      return ok(first);
  }
}
