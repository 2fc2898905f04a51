import type { ArchGraph } from '../arch/graph.js';
import { type Convention, type FlatbufferOverhead, TFLM } from '../resources/conventions.js';
import { estimate } from '../resources/estimate.js';
import { BUFFER_ALIGNMENT } from './tflite-writer.js';
import type { TfliteModel } from './tflite-model.js';

/**
 * Where the bytes of a `.tflite` file go, measured on the file and predicted by the `tflm` flash
 * model, split the same way:
 *
 * - **payload** — what the model is made of: each constant's data (int8 weights, int32 biases,
 *   the int32 shape / axes of RESHAPE and MEAN) rounded up to the 16-byte buffer alignment, plus
 *   every quantisation parameter (a float32 scale and an int64 zero point, per channel for conv /
 *   depthwise weights and biases, per tensor for the rest). The `tflm` flash model with every
 *   flatbuffer-overhead constant set to 0 counts exactly this, and the exporter's files agree to
 *   the byte (a test checks it).
 * - **overhead** — the flatbuffer's own tables, vectors, names and padding: the rest of the file,
 *   which the `tflm` model predicts from per-model / operator / operator-code / tensor /
 *   quantisation-table constants.
 */

export function payloadBytes(m: TfliteModel): number {
  let bytes = 0;
  for (const t of m.tensors) {
    if (t.data) bytes += Math.ceil(t.data.byteLength / BUFFER_ALIGNMENT) * BUFFER_ALIGNMENT;
    if (t.quantization) bytes += t.quantization.scale.length * 4 + t.quantization.zeroPoint.length * 8;
  }
  return bytes;
}

const NO_OVERHEAD: FlatbufferOverhead = {
  perModel: 0,
  perOperator: 0,
  perOperatorCode: 0,
  perTensor: 0,
  perQuantization: 0,
  bufferAlignment: BUFFER_ALIGNMENT,
};

/** The `tflm` convention without flatbuffer overhead: its flash is the payload alone. */
export const PAYLOAD_CONVENTION: Convention = { ...TFLM, flatbuffer: NO_OVERHEAD };

/** The payload the `tflm` flash model predicts for a graph. */
export function estimatedPayload(graph: ArchGraph): number {
  return estimate(graph, { convention: PAYLOAD_CONVENTION }).totals.flash;
}

/** What the overhead constants multiply: the counts a file's overhead is fitted against. */
export interface OverheadCounts {
  readonly operators: number;
  readonly operatorCodes: number;
  /** All tensors: activations (the input included) and constants. */
  readonly tensors: number;
  /** Tensors with a quantisation table. */
  readonly quantized: number;
}

export function overheadCounts(m: TfliteModel): OverheadCounts {
  return {
    operators: m.operators.length,
    operatorCodes: new Set(m.operators.map((o) => o.op)).size,
    tensors: m.tensors.length,
    quantized: m.tensors.filter((t) => t.quantization).length,
  };
}

/** The overhead the constants predict for these counts. */
export function predictedOverhead(c: OverheadCounts, fb: FlatbufferOverhead): number {
  return (
    fb.perModel +
    c.operators * fb.perOperator +
    c.operatorCodes * fb.perOperatorCode +
    c.tensors * fb.perTensor +
    c.quantized * fb.perQuantization
  );
}
