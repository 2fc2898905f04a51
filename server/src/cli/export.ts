import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, type ExportFormat, exportCandidate } from '../engine/export/export-candidate.js';
import { ExportError } from '../engine/export/run-candidate.js';
import { estimateTflite } from '../engine/export/tflite-graph.js';
import { readTflite, TfliteFormatError } from '../engine/export/tflite-reader.js';
import { boardLookup } from '../engine/language/board-lookup.js';
import { formatBytes, formatCount } from '../engine/language/units.js';
import type { Estimate } from '../engine/resources/estimate.js';
import { isKernelLibrary, KERNEL_LIBRARIES } from '../engine/resources/kernel-scratch.js';
import { type BackendRequest, initTrainingBackend } from '../engine/training/backend/index.js';
import type { EstimateArgs } from './estimate.js';
import { readInputFile } from './source.js';
import { EXIT, type CliIo } from './io.js';

export const EXPORT_USAGE = `  export RUN_FOLDER --candidate ID --format tflite|c|tfjs[,…]
                         a trained candidate (weights are kept for the Pareto front) as an int8
                         .tflite, a C array pair with the arena size, or the float tfjs model
                         --out DIR  (default RUN_FOLDER/export/ID)  --board ID  --calibration N
                         --kernels cmsis-nn|reference  (the arena's scratch; default the run's target)
                         --backend auto|tensorflow|wasm|cpu  --json
`;

const BACKENDS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
const signed = (n: number): string => (n < 0 ? `− ${-n}` : `+ ${n}`);

/**
 * `unas export RUN_FOLDER --candidate ID --format tflite|c|tfjs [--out DIR]`. Takes the arguments
 * after `export`. Exit codes: 0 written, 2 usage, 3 run folder / candidate / weights not usable,
 * 4 the export failed.
 */
export async function exportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        candidate: { type: 'string' },
        format: { type: 'string', default: 'tflite' },
        out: { type: 'string' },
        board: { type: 'string' },
        kernels: { type: 'string' },
        calibration: { type: 'string' },
        backend: { type: 'string', default: 'auto' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    io.stderr.write(`unas export: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const usage = (m: string): number => {
    io.stderr.write(`unas export: ${m}\n\nusage:\n${EXPORT_USAGE}`);
    return EXIT.usage;
  };
  if (positionals.length !== 1) return usage('give one run folder (e.g. .unas/runs/mnist-20261124-221500)');
  const id = Number(values.candidate);
  if (values.candidate === undefined || !Number.isInteger(id) || id < 0)
    return usage('--candidate takes a candidate id (see `unas front RUN_FOLDER`)');
  const formats = (values.format ?? 'tflite')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const bad = formats.find((f) => !EXPORT_FORMATS.includes(f as ExportFormat));
  if (bad !== undefined || formats.length === 0)
    return usage(
      `--format takes ${EXPORT_FORMATS.join(', ')} (comma-separated for several), not '${bad ?? ''}'`,
    );
  const calibration = values.calibration === undefined ? undefined : Number(values.calibration);
  if (calibration !== undefined && !(Number.isInteger(calibration) && calibration > 0))
    return usage('--calibration takes a positive number of images');
  if (!BACKENDS.includes(values.backend as BackendRequest))
    return usage(`--backend takes ${BACKENDS.join(', ')}`);
  if (values.board && !boardLookup().find(values.board)) return usage(`unknown board '${values.board}'`);
  const kernels = values.kernels;
  if (kernels !== undefined && !isKernelLibrary(kernels))
    return usage(`--kernels takes ${KERNEL_LIBRARIES.join(' or ')}`);

  const runDir = resolve(io.cwd, positionals[0]!);
  try {
    await initTrainingBackend(values.backend as BackendRequest);
    const r = await exportCandidate({
      runDir,
      id,
      formats: formats as ExportFormat[],
      ...(values.out ? { outDir: resolve(io.cwd, values.out) } : {}),
      ...(calibration ? { calibrationImages: calibration } : {}),
      ...(values.board ? { board: values.board } : {}),
      ...(kernels !== undefined ? { kernels } : {}),
    });
    if (values.json) {
      const { graph: _graph, estimate, ...rest } = r;
      io.stdout.write(
        `${JSON.stringify({ ...rest, resources: estimate ? { peakRam: estimate.totals.peakRam, arena: estimate.totals.arena, flash: estimate.totals.flash, macs: estimate.totals.macs } : undefined }, null, 2)}\n`,
      );
      return EXIT.ok;
    }
    const lines = [`candidate ${id} → ${relative(io.cwd, r.outDir) || '.'}`];
    for (const f of r.files) lines.push(`  ${relative(r.outDir, f)}`);
    if (r.int8 && r.estimate) {
      const t = r.estimate.totals;
      lines.push(
        `int8: ${formatBytes(r.int8.fileBytes)} file (estimate ${formatBytes(t.flash)}; weights, biases and quantisation parameters ${formatBytes(r.int8.payloadBytes)}, as estimated)`,
        `      arena ${formatBytes(t.arena.total)} estimated → declare ${r.int8.arenaSize} B (64-bit host: ${r.int8.arenaSizeHost64} B) · peak RAM ${formatBytes(t.peakRam)} · ${formatCount(t.macs)} MACs`,
        `      input int8 = round(x / ${r.int8.input.scale.toPrecision(6)}) ${signed(r.int8.input.zeroPoint)} for x = pixel / 255${r.int8.input.zeroPoint === -128 ? ' (i.e. pixel − 128)' : ''}; output x = (q ${signed(-r.int8.output.zeroPoint)}) × ${r.int8.output.scale.toPrecision(6)}`,
        `      calibrated on ${r.int8.calibrationImages} training images`,
      );
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ExportError) {
      io.stderr.write(`unas export: ${e.message}\n`);
      return EXIT.input;
    }
    io.stderr.write(`unas export: failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
}

/** The arguments of `unas estimate`, whichever file it is given. */
export type TfliteEstimateArgs = EstimateArgs;

/**
 * `unas estimate model.tflite`: rebuilds the architecture of a TFLite Micro int8 model and reports
 * its RAM (RAM-optimal order, and the arena for the file's operator order), flash and MACs with
 * the same resource models as `unas estimate FILE.unas`. Same arguments as `estimateCommand`.
 */
export async function tfliteEstimateCommand(args: TfliteEstimateArgs, io: CliIo): Promise<number> {
  if (!args.file) {
    io.stderr.write('unas estimate: give a .tflite file\n');
    return EXIT.usage;
  }
  if (args.board && !boardLookup().find(args.board)) {
    io.stderr.write(`unas estimate: unknown board '${args.board}'\n`);
    return EXIT.usage;
  }
  const read = await readInputFile(io, args.file);
  if (!read) return EXIT.input;
  const bytes: Uint8Array = read.bytes;
  let est: Estimate;
  try {
    const { graph: _graph, ...e } = estimateTflite(readTflite(bytes), {
      convention: args.convention,
      ...(args.includeInput !== undefined ? { includeInput: args.includeInput } : {}),
      ...(args.board ? { board: args.board } : {}),
      ...(args.kernels ? { kernels: args.kernels } : {}),
    });
    est = e;
  } catch (e) {
    if (e instanceof TfliteFormatError) {
      io.stderr.write(`${args.file}: ${e.message}\n`);
      return EXIT.findings;
    }
    throw e;
  }
  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({ file: args.file, convention: args.convention, fileBytes: bytes.length, estimate: est }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  const t = est.totals;
  const rows = est.layers
    .filter((l) => l.op !== 'input' && l.aliasOf == null)
    .map((l) => [
      l.name,
      l.op,
      l.shape.join('x'),
      l.ram === null ? '' : formatBytes(l.ram),
      formatBytes(l.flash),
      formatCount(l.macs),
    ]);
  const head = ['tensor', 'op', 'output', 'ram', 'flash', 'MACs'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((x, i) => (i < 3 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  io.stdout.write(
    [
      `${args.file} (${est.convention} convention${est.target.board ? `, on ${est.target.board}` : ''}): ${formatBytes(bytes.length)} file`,
      line(head),
      ...rows.map(line),
      `peak RAM ${formatBytes(t.peakRam)}${t.exact ? '' : ' (upper bound)'} (file order ${formatBytes(t.peakRamFileOrder)})` +
        ` · arena for the file's operator order ${formatBytes(t.arena.total)} (tensors ${formatBytes(t.arena.tensors)} + scratch ${formatBytes(t.arena.scratch)} + tail ${formatBytes(t.arena.tail)})`,
      `flash ${formatBytes(t.flash)} estimated · ${formatCount(t.macs)} MACs${t.latencyMs === null ? '' : ` · latency ${t.latencyMs.toFixed(2)} ms`}`,
      ...est.warnings.map((w) => `warning: ${w}`),
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
