import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readRunBytes, readRunFile, savedModelProblem } from '../runs/run-folder-checks.js';

/** A tfjs layers model on disk: `model.json` (topology and weights manifest) + `weights.bin`. */
interface SavedModel {
  readonly modelTopology: object;
  readonly weightsManifest: readonly {
    readonly paths: readonly string[];
    readonly weights: tf.io.WeightsManifestEntry[];
  }[];
}

/**
 * Loads a tfjs layers model saved as `model.json` + `weights.bin` (the training worker's format).
 * A run folder is untrusted: the weight files its manifest names must stay inside `dir`, and be
 * regular files (a FIFO would block the reader forever).
 */
export async function loadSavedModel(dir: string): Promise<tf.LayersModel> {
  const file = join(dir, 'model.json');
  let value: unknown;
  try {
    value = JSON.parse(await readRunFile(file));
  } catch (e) {
    throw new Error(`${file}: unreadable: ${(e as Error).message}`);
  }
  const bad = savedModelProblem(value, dir);
  if (bad) throw new Error(`${file}: ${bad}`);
  const json = value as SavedModel;
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => readRunBytes(join(dir, p))),
  ).catch((e: unknown) => {
    throw new Error(`${file}: a weights file is unreadable: ${(e as Error).message}`);
  });
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
  );
}

/**
 * Saves a float model for TensorFlow.js (`tf.loadLayersModel('…/model.json')`): model.json +
 * weights.bin. The training worker keeps a front member's weights with it, and `unas export
 * --format tfjs` writes the same files.
 */
export async function saveTfjsModel(
  model: tf.LayersModel,
  dir: string,
): Promise<{ modelJson: string; weightsBin: string }> {
  await mkdir(dir, { recursive: true });
  const modelJson = join(dir, 'model.json');
  const weightsBin = join(dir, 'weights.bin');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const bytes =
        data instanceof ArrayBuffer
          ? Buffer.from(data)
          : Buffer.concat((data ?? []).map((b) => Buffer.from(b)));
      await writeFile(
        modelJson,
        JSON.stringify({
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
          convertedBy: 'unas',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        }),
      );
      await writeFile(weightsBin, bytes);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { modelJson, weightsBin };
}
