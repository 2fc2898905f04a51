import { DEFAULT_BOARD, resolveSearch } from '../engine/config/resolve-search.js';
import { checkDocument } from '../engine/checks/check-document.js';
import { defaultEnvironment } from '../engine/checks/environment.js';
import { MAX_ESTIMATED_NODES } from '../engine/arch/size-limits.js';
import { formatBytes, formatCount } from '../engine/language/units.js';
import { findBoard } from '../engine/boards/lookup.js';
import type { ConventionName } from '../engine/resources/conventions.js';
import { estimate, type Estimate } from '../engine/resources/estimate.js';
import { spaceBounds, type SpaceBounds } from '../engine/resources/space-bounds.js';
import { frontEndEstimate, type FrontEndEstimate } from '../engine/features/front-end-cost.js';
import { frontEndDetails } from '../engine/features/front-end-text.js';
import { MFCC_DEFAULTS, type MfccSettings } from '../engine/features/mfcc.js';
import { CORES } from '../engine/resources/cores.js';
import type { KernelLibrary } from '../engine/resources/kernel-scratch.js';
import { EXIT, type CliIo } from './io.js';
import { formatDiagnostics, readSource } from './source.js';

export interface EstimateArgs {
  readonly file?: string;
  readonly json: boolean;
  readonly convention: ConventionName;
  /** `--convention` was given: it also applies to searches (otherwise each search's own). */
  readonly conventionGiven?: boolean;
  readonly includeInput?: boolean;
  readonly board?: string;
  /** TFLM kernel library for the arena's scratch (default the core's). */
  readonly kernels?: KernelLibrary;
}

/**
 * `unas estimate FILE`: for each model, RAM (RAM-optimal order), TFLM arena, flash, MACs and
 * latency per layer and in total; for each search, the smallest resources its space allows,
 * checked against its hard limits. The JSON shape is documented in docs/resources.md.
 */
export async function estimateCommand(args: EstimateArgs, io: CliIo): Promise<number> {
  if (!args.file) {
    io.stderr.write('unas estimate: give a .unas file\n');
    return EXIT.usage;
  }
  const source = await readSource(io, args.file);
  if (!source) return EXIT.input;
  const { path, text } = source;
  if (args.board && !findBoard(args.board)) {
    io.stderr.write(`unas estimate: unknown board '${args.board}'\n`);
    return EXIT.usage;
  }
  // The findings are the engine's (as the editor and `unas check` show them): the search's own
  // view (tflm) whatever convention the figures below are printed in.
  const { facts, findings } = checkDocument(text, defaultEnvironment(), path);
  const a = facts.analysis;
  const errors = findings.filter((d) => d.severity === 'error');
  io.stderr.write(formatDiagnostics(args.file, text, errors));

  const models: { name: string; board: string; estimate: Estimate }[] = [];
  for (const m of a.document.models) {
    const g = a.graphs.get(m);
    if (!g || facts.hasErrorsIn(m.span)) continue;
    if (g.nodes.length > MAX_ESTIMATED_NODES) {
      io.stderr.write(
        `${args.file}: model '${m.name.name}' has ${g.nodes.length - 1} layers: not estimated (at most ${MAX_ESTIMATED_NODES})\n`,
      );
      continue;
    }
    const board = args.board ?? m.target?.name ?? DEFAULT_BOARD;
    models.push({
      name: m.name.name,
      board,
      estimate: estimate(g, {
        convention: args.convention,
        board,
        ...(args.includeInput !== undefined ? { includeInput: args.includeInput } : {}),
        ...(args.kernels ? { kernels: args.kernels } : {}),
      }),
    });
  }
  const searches: {
    name: string;
    bounds: SpaceBounds;
    findings: string[];
    frontEnd?: { settings: MfccSettings; estimate: FrontEndEstimate };
  }[] = [];
  for (const s of a.document.searches) {
    const r = resolveSearch(a.document, s, path);
    if (!r.ok) continue;
    const bounds = spaceBounds(r.config.space, {
      convention: args.conventionGiven ? args.convention : (r.config.convention ?? 'tflm'),
      softmax: true,
      ...(args.includeInput !== undefined ? { includeInput: args.includeInput } : {}),
    });
    const within = errors.filter((d) => d.start >= s.span.start && d.end <= s.span.end);
    // An audio dataset runs its MFCC front end on the device too: its cost stands beside the network's.
    const spec = r.config.dataset.spec;
    const settings = spec.kind === 'audio' ? (spec.features ?? MFCC_DEFAULTS) : undefined;
    const frontEnd = settings && {
      settings,
      estimate: frontEndEstimate(settings, CORES[r.config.target.core], r.config.target.clockHz),
    };
    searches.push({
      name: s.name.name,
      bounds,
      findings: within.map((d) => d.message),
      ...(frontEnd ? { frontEnd } : {}),
    });
  }

  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({ file: args.file, convention: args.convention, models, searches }, null, 2)}\n`,
    );
  } else {
    for (const m of models) io.stdout.write(`${modelReport(m.name, m.board, m.estimate)}\n`);
    for (const s of searches) {
      io.stdout.write(`${searchReport(s.name, s.bounds, s.findings)}\n`);
      if (s.frontEnd)
        io.stdout.write(
          `  front end: ${frontEndDetails(s.frontEnd.settings, s.frontEnd.estimate).join('\n             ')}\n`,
        );
    }
  }
  return errors.length ? EXIT.findings : EXIT.ok;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((x, i) => (i < 2 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

function modelReport(name: string, board: string, e: Estimate): string {
  const t = e.totals;
  const rows = e.layers
    .filter((l) => l.op !== 'input' && l.aliasOf == null)
    .map((l) => [
      l.name,
      l.shape.join('x'),
      l.ram === null ? '' : formatBytes(l.ram),
      formatBytes(l.flash),
      formatCount(l.macs),
      l.cycles === null ? '' : formatCount(l.cycles),
    ]);
  const latency = t.latencyMs === null ? 'n/a' : `${t.latencyMs.toFixed(2)} ms`;
  return [
    `model ${name} (${e.convention} convention, on ${board})`,
    table(['layer', 'output', 'ram', 'flash', 'MACs', 'cycles'], rows),
    `peak RAM ${formatBytes(t.peakRam)}${t.exact ? '' : ' (upper bound)'} (file order ${formatBytes(t.peakRamFileOrder)})` +
      ` · arena ${formatBytes(t.arena.total)} (tensors ${formatBytes(t.arena.tensors)} + scratch ${formatBytes(t.arena.scratch)} + tail ${formatBytes(t.arena.tail)})`,
    `flash ${formatBytes(t.flash)} · ${formatCount(t.macs)} MACs · latency ${latency}` +
      (e.budget
        ? ` · ${e.budget.ramFits && e.budget.flashFits ? 'fits' : 'does not fit'} the board (RAM ${formatBytes(e.budget.ram)}, flash ${formatBytes(e.budget.flash)} after reserves)`
        : ''),
    e.peakTensors.length
      ? `peak at ${e.layers.find((l) => l.node === e.peakNode)?.name ?? '?'}: ${e.peakTensors.map((p) => `${p.name} ${formatBytes(p.bytes)}`).join(' + ')}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function searchReport(name: string, b: SpaceBounds, findings: readonly string[]): string {
  const range = (m: { min: number; max: number | null; exact: boolean }, f: (n: number) => string) =>
    `${f(m.min)}${m.exact ? '' : ' (lower bound)'} – ${m.max === null ? '?' : f(m.max)}`;
  return [
    `search ${name}: the space spans peak RAM ${range(b.peakRam, formatBytes)}, flash ${range(b.flash, formatBytes)}, MACs ${range(b.macs, formatCount)}`,
    ...findings.map((f) => `  error: ${f}`),
  ].join('\n');
}
