import type { Padding } from '../arch/graph.js';
import type { Quantization } from './quantize.js';

/**
 * A TFLite model as plain data: what the writer serialises and the reader returns. Only the
 * subset this project writes (one subgraph, int8 activations, TFLite Micro builtins) is modelled;
 * the reader rejects anything else with a plain message.
 */

export type TensorType = 'int8' | 'int32';

export interface TfliteTensor {
  readonly name: string;
  /** With the batch dimension (1). */
  readonly shape: readonly number[];
  readonly type: TensorType;
  /** Constant data (weights, biases, shapes); activations have none. */
  readonly data?: Int8Array | Int32Array;
  readonly quantization?: Quantization;
}

export type FusedActivation = 'none' | 'relu' | 'relu6';

/** The builtin operators the exporter writes (all in TFLite Micro's `MicroMutableOpResolver`). */
export type BuiltinName =
  | 'CONV_2D'
  | 'DEPTHWISE_CONV_2D'
  | 'FULLY_CONNECTED'
  | 'MAX_POOL_2D'
  | 'AVERAGE_POOL_2D'
  | 'MEAN'
  | 'REDUCE_MAX'
  | 'RESHAPE'
  | 'ADD'
  | 'MUL'
  | 'CONCATENATION'
  | 'SOFTMAX'
  | 'RELU'
  | 'RELU6';

export type OperatorOptions =
  | {
      readonly kind: 'conv2d';
      readonly padding: Padding;
      readonly stride: readonly [number, number];
      readonly activation: FusedActivation;
    }
  | {
      readonly kind: 'dwconv2d';
      readonly padding: Padding;
      readonly stride: readonly [number, number];
      readonly multiplier: number;
      readonly activation: FusedActivation;
    }
  | {
      readonly kind: 'pool';
      readonly padding: Padding;
      readonly stride: readonly [number, number];
      readonly filter: readonly [number, number];
    }
  | { readonly kind: 'dense'; readonly activation: FusedActivation }
  | { readonly kind: 'reducer'; readonly keepDims: boolean }
  | { readonly kind: 'reshape' }
  | { readonly kind: 'add'; readonly activation: FusedActivation }
  | { readonly kind: 'mul'; readonly activation: FusedActivation }
  | { readonly kind: 'concat'; readonly axis: number; readonly activation: FusedActivation }
  | { readonly kind: 'softmax'; readonly beta: number }
  | { readonly kind: 'none' };

export interface TfliteOperator {
  readonly op: BuiltinName;
  /** Tensor indices. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly options: OperatorOptions;
}

export interface TfliteModel {
  readonly description: string;
  readonly tensors: readonly TfliteTensor[];
  /** In execution order (TFLite and TFLite Micro run operators in file order). */
  readonly operators: readonly TfliteOperator[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

/**
 * Operator versions as the TFLite converter sets them for int8 kernels (`op_version.cc`);
 * TFLite Micro ignores them, the TFLite interpreter checks its resolver has them.
 */
export const OPERATOR_VERSION: Readonly<Record<BuiltinName, number>> = {
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 3,
  FULLY_CONNECTED: 4,
  MAX_POOL_2D: 2,
  AVERAGE_POOL_2D: 2,
  MEAN: 2,
  REDUCE_MAX: 2,
  RESHAPE: 1,
  ADD: 2,
  MUL: 2,
  CONCATENATION: 2,
  SOFTMAX: 2,
  RELU: 2,
  RELU6: 2,
};

export const BUILTIN_NAMES: readonly BuiltinName[] = Object.keys(OPERATOR_VERSION) as BuiltinName[];
