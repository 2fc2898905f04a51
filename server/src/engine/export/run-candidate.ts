import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { CandidateSummary } from '../../../../protocol/src/run-events.js';
import type { ArchGraph } from '../arch/graph.js';
import type { SearchConfig } from '../config/search-config.js';
import { readRunBytes, readRunFile, savedModelProblem } from '../runs/run-folder-checks.js';
import { FILES, loadRun } from '../runs/run-store.js';
import { graphOfModelText } from '../runs/search-runner.js';

/** A problem the user can fix (wrong id, weights not kept, not a run folder); the message says how. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

export interface RunCandidate {
  readonly runDir: string;
  readonly config: SearchConfig;
  readonly candidate: CandidateSummary;
  readonly graph: ArchGraph;
  readonly weightsDir: string;
  /** Folder relative dataset paths were resolved against (the .unas file's). */
  readonly baseDir: string;
}

/**
 * Finds candidate `id` of a run folder: its latest journal record, the exact graph its model text
 * describes, and its saved weights (`weights/<id>/model.json` + `weights.bin`, kept for Pareto
 * front members only).
 */
export async function findRunCandidate(runDir: string, id: number): Promise<RunCandidate> {
  const run = await loadRun(runDir).catch((e: unknown) => {
    throw new ExportError(e instanceof Error ? e.message : String(e));
  });
  let candidate: CandidateSummary | undefined;
  let front: readonly number[] = [];
  for (const e of run.events) {
    if (e.type === 'candidate-finished' && e.candidate.id === id) candidate = e.candidate;
    if (e.type === 'front') front = e.ids;
  }
  const frontText = front.length
    ? `the front is ${[...front].sort((a, b) => a - b).join(', ')}`
    : 'the run has no front yet';
  if (!candidate) throw new ExportError(`${runDir}: no candidate ${id} in ${FILES.events} (${frontText})`);
  // Older journals hold the bare layer list; a model block around it makes it parse.
  const graph =
    graphOfModelText(candidate.model) ?? graphOfModelText(`model candidate_${id} {\n${candidate.model}\n}`);
  if (!graph) throw new ExportError(`candidate ${id}: its model text does not parse:\n${candidate.model}`);
  const weightsDir = join(runDir, FILES.weights, String(id));
  if (!existsSync(join(weightsDir, 'model.json')) || !existsSync(join(weightsDir, 'weights.bin'))) {
    const why =
      candidate.status !== 'trained'
        ? `it was not trained (${candidate.status})`
        : front.includes(id)
          ? 'they were not saved'
          : 'weights are kept only for members of the Pareto front';
    throw new ExportError(`candidate ${id} has no saved weights in ${weightsDir}: ${why}; ${frontText}`);
  }
  const baseDir = run.config.source ? dirname(run.config.source) : runDir;
  return { runDir, config: run.config, candidate, graph, weightsDir, baseDir };
}

interface SavedModel {
  readonly modelTopology: object;
  readonly weightsManifest: readonly {
    readonly paths: readonly string[];
    readonly weights: tf.io.WeightsManifestEntry[];
  }[];
}

/** Loads a tfjs layers model saved as `model.json` + `weights.bin` (the training worker's format). */
export async function loadSavedModel(dir: string): Promise<tf.LayersModel> {
  let value: unknown;
  try {
    value = JSON.parse(await readRunFile(join(dir, 'model.json')));
  } catch (e) {
    throw new ExportError(`${join(dir, 'model.json')}: unreadable: ${(e as Error).message}`);
  }
  // The run folder is untrusted: weight files it names must stay inside the weights folder.
  const bad = savedModelProblem(value, dir);
  if (bad) throw new ExportError(`${join(dir, 'model.json')}: ${bad}`);
  const json = value as SavedModel;
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => readRunBytes(join(dir, p))),
  ).catch((e: unknown) => {
    throw new ExportError(
      `${join(dir, 'model.json')}: a weights file is unreadable: ${(e as Error).message}`,
    );
  });
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
  );
}

/** Saves a float model for TensorFlow.js (`tf.loadLayersModel('…/model.json')`): model.json + weights.bin. */
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
          convertedBy: 'unas export',
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
