import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchGraph } from '../arch/graph.js';
import { loadDataset } from '../data/load-dataset.js';
import type { Estimate } from '../resources/estimate.js';
import type { KernelLibrary } from '../resources/kernel-scratch.js';
import { arenaSize, cArrayFiles, cIdentifier } from './c-array.js';
import { sampleImages } from './calibrate.js';
import type { FrontEnd } from '../features/front-end.js';
import { frontEndFiles } from './front-end-files.js';
import { exportInt8 } from './int8-export.js';
import type { AffineParams } from './quantize.js';
import { loadSavedModel, saveTfjsModel } from '../training/saved-model.js';
import { ExportError, findRunCandidate } from './run-candidate.js';
import { payloadBytes } from './tflite-size.js';

export type ExportFormat = 'tflite' | 'c' | 'tfjs';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['tflite', 'c', 'tfjs'];

export interface ExportCandidateOptions {
  readonly runDir: string;
  readonly id: number;
  readonly formats: readonly ExportFormat[];
  /** Default `<runDir>/export/<id>`. */
  readonly outDir?: string;
  /** Training images used to calibrate activation ranges (default 500). */
  readonly calibrationImages?: number;
  /** Board for the arena estimate (its core decides the CMSIS-NN scratch); default the run's target. */
  readonly board?: string;
  /** TFLM kernel library for the arena's scratch; default the run's target setting, else the core's. */
  readonly kernels?: KernelLibrary;
}

export interface ExportReport {
  readonly name: string;
  readonly outDir: string;
  readonly files: readonly string[];
  readonly graph: ArchGraph;
  readonly estimate?: Estimate;
  readonly int8?: {
    readonly fileBytes: number;
    readonly payloadBytes: number;
    readonly input: AffineParams;
    readonly output: AffineParams;
    readonly arenaSize: number;
    /** The same on a 64-bit host (docs/export.md, "Arena"). */
    readonly arenaSizeHost64: number;
    readonly calibrationImages: number;
  };
}

/**
 * `unas export`: a trained candidate of a run folder → an int8 `.tflite`, a C array pair, and / or
 * the float tfjs model. The tfjs backend must be initialised by the caller. Throws `ExportError`
 * for what the user can fix (see run-candidate.ts).
 */
export async function exportCandidate(o: ExportCandidateOptions): Promise<ExportReport> {
  const c = await findRunCandidate(o.runDir, o.id);
  const name = cIdentifier(`candidate_${o.id}`);
  const outDir = o.outDir ?? join(o.runDir, 'export', String(o.id));
  await mkdir(outDir, { recursive: true });
  const model = await loadSavedModel(c.weightsDir).catch((e: unknown) => {
    throw new ExportError(e instanceof Error ? e.message : String(e));
  });
  const files: string[] = [];
  try {
    let report: ExportReport = { name, outDir, files, graph: c.graph };
    if (o.formats.includes('tfjs')) {
      const saved = await saveTfjsModel(model, join(outDir, 'tfjs'));
      files.push(saved.modelJson, saved.weightsBin);
    }
    // An audio model needs its front end on the device: its parameters go next to the model.
    const audio = c.config.dataset.spec.kind === 'audio';
    if (o.formats.includes('tflite') || o.formats.includes('c') || audio) {
      const data = await loadDataset(c.config.dataset.spec, { baseDir: c.baseDir });
      if (!o.formats.includes('tflite') && !o.formats.includes('c')) {
        if (data.frontEnd) files.push(...(await writeFrontEnd(outDir, name, data.frontEnd)));
        return report;
      }
      const sample = sampleImages(data.train, o.calibrationImages ?? 500, 0);
      const board = o.board ?? (c.config.target.board !== 'custom' ? c.config.target.board : undefined);
      const q = await exportInt8(c.graph, model, sample.images, sample.count, {
        description: `unas export: ${c.config.name} candidate ${o.id}`,
        ...(board ? { board } : {}),
        ...((o.kernels ?? c.config.target.kernels) ? { kernels: o.kernels ?? c.config.target.kernels } : {}),
      });
      if (o.formats.includes('tflite')) {
        const file = join(outDir, `${name}.tflite`);
        await writeFile(file, q.bytes);
        files.push(file);
      }
      if (o.formats.includes('c')) {
        const pair = cArrayFiles({
          name,
          bytes: q.bytes,
          arena: q.estimate.totals.arena,
          input: q.input,
          output: q.output,
          source: `${c.runDir}, candidate ${o.id}`,
          board: q.estimate.target.board,
        });
        await writeFile(join(outDir, pair.headerName), pair.header);
        await writeFile(join(outDir, pair.sourceName), pair.source);
        files.push(join(outDir, pair.headerName), join(outDir, pair.sourceName));
      }
      if (data.frontEnd) files.push(...(await writeFrontEnd(outDir, name, data.frontEnd, q.input)));
      report = {
        ...report,
        estimate: q.estimate,
        int8: {
          fileBytes: q.bytes.length,
          payloadBytes: payloadBytes(q.model),
          input: q.input,
          output: q.output,
          arenaSize: arenaSize(q.estimate.totals.arena),
          arenaSizeHost64: arenaSize(q.estimate.totals.arena, true),
          calibrationImages: sample.count,
        },
      };
    }
    return report;
  } finally {
    model.dispose();
  }
}

async function writeFrontEnd(
  outDir: string,
  name: string,
  frontEnd: FrontEnd,
  input?: AffineParams,
): Promise<string[]> {
  const f = frontEndFiles(name, frontEnd, input);
  await writeFile(join(outDir, f.jsonName), f.json);
  await writeFile(join(outDir, f.headerName), f.header);
  return [join(outDir, f.jsonName), join(outDir, f.headerName)];
}
