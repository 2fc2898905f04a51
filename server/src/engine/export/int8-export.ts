import type * as tf from '@tensorflow/tfjs';
import type { ArchGraph } from '../arch/graph.js';
import { TFLM } from '../resources/conventions.js';
import { estimate, type Estimate } from '../resources/estimate.js';
import type { KernelLibrary } from '../resources/kernel-scratch.js';
import { calibrate, extractParams } from './calibrate.js';
import type { AffineParams } from './quantize.js';
import { type Calibration, quantizeGraph } from './quantize-graph.js';
import type { TfliteModel } from './tflite-model.js';
import { writeTflite } from './tflite-writer.js';

export interface Int8Export {
  readonly model: TfliteModel;
  /** The `.tflite` flatbuffer. */
  readonly bytes: Uint8Array;
  /** `tflm` estimate of the graph; its `order` is the operator order written. */
  readonly estimate: Estimate;
  readonly calibration: Calibration;
  /** int8 = round(x / scale) + zeroPoint for an input x normalised to [0, 1] (pixel / 255). */
  readonly input: AffineParams;
  readonly output: AffineParams;
}

export interface Int8ExportOptions {
  readonly description?: string;
  /** Board for the estimate (core-dependent scratch); default none (CMSIS-NN DSP scratch counted). */
  readonly board?: string;
  /** TFLM kernel library for the scratch estimate; default the board core's. */
  readonly kernels?: KernelLibrary;
}

/**
 * A trained candidate → an int8 `.tflite`: float parameters from the tfjs model, activation ranges
 * from `count` calibration images (NHWC, normalised as in training), quantised and written in the
 * RAM-optimal operator order of the `tflm` estimate.
 */
export async function exportInt8(
  graph: ArchGraph,
  model: tf.LayersModel,
  images: Float32Array,
  count: number,
  options: Int8ExportOptions = {},
): Promise<Int8Export> {
  const params = extractParams(graph, model);
  const calibration = await calibrate(graph, model, images, count, params);
  const est = estimate(graph, {
    convention: TFLM,
    ...(options.board ? { board: options.board } : {}),
    ...(options.kernels ? { kernels: options.kernels } : {}),
  });
  const tflite = quantizeGraph(graph, params, calibration, {
    order: est.order,
    ...(options.description ? { description: options.description } : {}),
  });
  const q = (t: number): AffineParams => {
    const p = tflite.tensors[t]!.quantization!;
    return { scale: p.scale[0]!, zeroPoint: p.zeroPoint[0]! };
  };
  return {
    model: tflite,
    bytes: writeTflite(tflite),
    estimate: est,
    calibration,
    input: q(tflite.inputs[0]!),
    output: q(tflite.outputs[0]!),
  };
}
