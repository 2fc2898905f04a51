/**
 * The two named conventions the resource models count in. `unas` reproduces μNAS's own resource
 * models (paper figures, search bounds); `tflm` (the default) is what an int8 TensorFlow Lite Micro
 * deployment really stores and allocates. docs/resources.md derives every constant below.
 */

export type ConventionName = 'unas' | 'tflm';

/**
 * What a serialized .tflite flatbuffer spends besides the weight bytes. These are estimates from
 * the schema (tables, vtables, vectors, a ~50-character converter tensor name); the exporter is to
 * calibrate them against real files.
 */
export interface FlatbufferOverhead {
  /** Root table, subgraph table, description string, metadata and signature defs. */
  readonly perModel: number;
  /** Operator table, its inputs/outputs vectors and builtin options. */
  readonly perOperator: number;
  /** One OperatorCode entry per distinct builtin op used. */
  readonly perOperatorCode: number;
  /** Tensor table, shape vector, name, its Buffer table and offsets into the two vectors. */
  readonly perTensor: number;
  /** QuantizationParameters table and its two vector headers (the values are counted apart). */
  readonly perQuantization: number;
  /** Buffer data alignment (`force_align: 16` in schema.fbs): each constant's bytes round up to it. */
  readonly bufferAlignment: number;
}

export interface Convention {
  readonly name: ConventionName;
  /** Bytes per activation element (int8 = 1; 2 for 16x8 quantisation). */
  readonly activationBytes: number;
  /** Bytes per weight element. */
  readonly weightBytes: number;
  /** Bytes per bias element (TFLite int8 stores int32 biases). */
  readonly biasBytes: number;
  /** Whether the network input counts in the working set. */
  readonly includeInput: boolean;
  /** μNAS lets an add accumulate into an input it is the last reader of; TFLM does not. */
  readonly inPlaceAdd: boolean;
  /**
   * `alias`: flatten is free (μNAS). `copy`: flatten is a RESHAPE whose output gets its own arena
   * buffer, as TFLM's greedy planner never overlaps a tensor with one live at the same step.
   */
  readonly flatten: 'alias' | 'copy';
  /** Per-channel (conv, depthwise) / per-tensor (dense, activations) scale f32 + zero point i64. */
  readonly quantization: { readonly scaleBytes: number; readonly zeroPointBytes: number } | null;
  readonly flatbuffer: FlatbufferOverhead | null;
}

export const UNAS: Convention = {
  name: 'unas',
  activationBytes: 1,
  weightBytes: 1,
  biasBytes: 1,
  includeInput: false,
  inPlaceAdd: true,
  flatten: 'alias',
  quantization: null,
  flatbuffer: null,
};

/**
 * Fitted to the `.tflite` files this project's exporter writes (least squares over 1 500 random
 * graphs; residuals within ±6.5 % of the overhead, about ±150 B) — the files a user ships. Files
 * from TensorFlow's converter carry longer tensor names, metadata and signatures: about 40 % more
 * overhead (docs/resources.md, "Flash"; docs/export.md).
 */
export const TFLITE_FLATBUFFER: FlatbufferOverhead = {
  perModel: 224,
  perOperator: 24,
  perOperatorCode: 16,
  perTensor: 68,
  perQuantization: 48,
  bufferAlignment: 16,
};

export const TFLM: Convention = {
  name: 'tflm',
  activationBytes: 1,
  weightBytes: 1,
  biasBytes: 4,
  includeInput: true,
  inPlaceAdd: false,
  flatten: 'copy',
  quantization: { scaleBytes: 4, zeroPointBytes: 8 },
  flatbuffer: TFLITE_FLATBUFFER,
};

export const CONVENTIONS: Readonly<Record<ConventionName, Convention>> = { unas: UNAS, tflm: TFLM };

export function isConventionName(s: string): s is ConventionName {
  return s === 'unas' || s === 'tflm';
}

/** A named convention (default `tflm`) with optional overrides, e.g. `{ includeInput: true }`. */
export function resolveConvention(
  c: ConventionName | Convention | undefined,
  overrides?: Partial<Omit<Convention, 'name'>>,
): Convention {
  const base = c === undefined ? TFLM : typeof c === 'string' ? CONVENTIONS[c] : c;
  if (!overrides) return base;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}
