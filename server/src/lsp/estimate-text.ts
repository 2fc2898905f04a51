import { formatBytes, formatCount, formatSeconds } from '../engine/language/units.js';
import type { LayerEstimate, MetricBounds, SpaceBounds } from '../engine/resources/index.js';
import type { DocumentState } from './document-state.js';
import { originOf, type ModelEstimate, type SpaceEstimate } from '../engine/checks/estimates.js';

/** Texts of resource figures, shared by inlay hints, hovers and code lenses. */

const shape = (s: readonly number[]): string => s.join('×');
const ms = (x: number | null): string | undefined => (x === null ? undefined : formatSeconds(x / 1000));

/** Figures of the nodes one layer statement produced (an add may also insert pools). */
export interface LayerFigures {
  readonly ram: number | null;
  readonly flash: number;
  readonly macs: number;
  readonly peak: boolean;
}

export function layerFigures(e: ModelEstimate, layers: readonly LayerEstimate[]): LayerFigures {
  let ram: number | null = null;
  let flash = 0;
  let macs = 0;
  for (const l of layers) {
    if (l.ram !== null) ram = Math.max(ram ?? 0, l.ram);
    flash += l.flash;
    macs += l.macs;
  }
  return { ram, flash, macs, peak: layers.some((l) => l.node === e.estimate.peakNode) };
}

/** `ram 3.1 KB · flash 1.2 KB · 86 K MACs` (the peak step marked). */
export function layerLabel(f: LayerFigures): string | undefined {
  const parts: string[] = [];
  if (f.ram !== null) parts.push(`ram ${formatBytes(f.ram)}${f.peak ? ' (peak)' : ''}`);
  if (f.flash) parts.push(`flash ${formatBytes(f.flash)}`);
  if (f.macs) parts.push(`${formatCount(f.macs)} MACs`);
  return parts.length ? parts.join(' · ') : undefined;
}

/** `peak 5.7 KB · arena 8 KB · flash 10.9 KB · 322 K MACs · 1.63 ms on nucleo-f746zg` */
export function modelLabel(e: ModelEstimate): string {
  const t = e.estimate.totals;
  const latency = ms(t.latencyMs);
  return [
    `peak ${formatBytes(t.peakRam)}`,
    `arena ${formatBytes(t.arena.total)}`,
    `flash ${formatBytes(t.flash)}`,
    `${formatCount(t.macs)} MACs`,
    ...(latency ? [`${latency} on ${e.target.label}`] : []),
  ].join(' · ');
}

function range(b: MetricBounds, f: (x: number) => string): string {
  if (b.max === null) return `≥ ${f(b.min)}`;
  return b.max === b.min ? f(b.min) : `${f(b.min)}–${f(b.max)}`;
}

/** `ram 905 B–196 KB · flash 2.7 KB–25 MB · 1.2 K–1 G MACs` */
export function boundsLabel(b: SpaceBounds): string {
  return [
    `ram ${range(b.peakRam, formatBytes)}`,
    `flash ${range(b.flash, formatBytes)}`,
    `${range(b.macs, formatCount)} MACs`,
  ].join(' · ');
}

export function boundsMarkdown(se: SpaceEstimate): string {
  const b = se.bounds;
  const row = (name: string, m: MetricBounds, f: (x: number) => string) =>
    `| ${name} | ${f(m.min)}${m.exact ? '' : ' (lower bound)'} | ${m.max === null ? '—' : f(m.max)} |`;
  return [
    `**Search space** over ${shape(se.resolved.input)} inputs, ${se.resolved.classes} classes (dataset of search \`${se.search.name.name}\`), ${b.convention} convention`,
    '',
    '| | smallest | largest |',
    '|---|---|---|',
    row('peak RAM', b.peakRam, formatBytes),
    row('flash', b.flash, formatBytes),
    row('MACs', b.macs, formatCount),
    '',
    b.peakRam.max === null
      ? 'The space has branches: only lower bounds are computed.'
      : 'Every architecture of the space lies within these bounds.',
  ].join('\n');
}

function target(e: ModelEstimate): string {
  const t = e.estimate.target;
  const b = e.target.board;
  const clock = t.clockHz ? ` @ ${formatCount(t.clockHz)}Hz` : '';
  return `${b ? `${b.name} (\`${b.id}\`${e.target.isDefault ? ', default target' : ''})` : e.target.label}${t.core ? `, ${t.core}${clock}` : ''}`;
}

/** The totals of a model, as markdown lines. */
export function totalsMarkdown(e: ModelEstimate): string {
  const t = e.estimate.totals;
  const a = t.arena;
  const lines = [
    `**Peak RAM** ${formatBytes(t.peakRam)}${t.exact ? '' : ` (≤; lower bound ${formatBytes(t.peakRamLowerBound)})`} in the RAM-optimal order (file order: ${formatBytes(t.peakRamFileOrder)})`,
    `**Arena** ${formatBytes(a.total)} = tensors ${formatBytes(a.tensors)} + scratch ${formatBytes(a.scratch)} (${e.estimate.target.kernels}) + tail ${formatBytes(a.tail)}; on a 64-bit host ${formatBytes(a.host64.total)}`,
    `**Flash** ${formatBytes(t.flash)} (${t.params.toLocaleString('en-US')} parameters, model overhead ${formatBytes(t.flashModelOverhead)})`,
    `**MACs** ${formatCount(t.macs)}${t.latencyMs !== null ? ` · **latency** ${ms(t.latencyMs)}` : ''}`,
  ];
  const b = e.estimate.budget;
  if (b)
    lines.push(
      `**Budget** RAM ${formatBytes(b.ram)} ${b.ramFits ? '✓' : '✗'} · flash ${formatBytes(b.flash)} ${b.flashFits ? '✓' : '✗'}`,
    );
  return lines.join('  \n');
}

/** The peak tensor set: what is resident at the peak step. */
export function peakMarkdown(state: DocumentState, e: ModelEstimate): string {
  const id = e.estimate.peakNode;
  if (id === null) return '';
  const l = e.estimate.layers[id];
  const o = originOf(e, id);
  const tensors = e.estimate.peakTensors.map((t) => `${t.name} ${formatBytes(t.bytes)}`).join(', ');
  return `**Peak** at \`${l?.name ?? id}\`${o ? ` (line ${state.lineOf(o.start)})` : ''}: ${tensors}`;
}

/** Per-layer breakdown as a markdown table. */
export function layersMarkdown(state: DocumentState, e: ModelEstimate): string {
  const rows = e.estimate.layers.map((l) => {
    const o = originOf(e, l.node);
    const peak = l.node === e.estimate.peakNode ? ' ▲' : '';
    return `| ${l.name}${peak} | ${o ? state.lineOf(o.start) : ''} | ${shape(l.shape)} | ${l.ram === null ? '—' : formatBytes(l.ram)} | ${formatBytes(l.flash)} | ${formatCount(l.macs)} |`;
  });
  return ['| layer | line | output | ram | flash | MACs |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

export function modelMarkdown(state: DocumentState, e: ModelEstimate): string {
  const partial = e.complete
    ? ''
    : '\n\n*The model has errors: figures cover the layers up to the first one.*';
  return [
    `**model ${e.model.name.name}** on ${target(e)} — ${e.estimate.convention} convention${partial}`,
    totalsMarkdown(e),
    peakMarkdown(state, e),
    layersMarkdown(state, e),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** One layer's figures, for its hover and inlay-hint tooltip. */
export function layerMarkdown(
  state: DocumentState,
  e: ModelEstimate,
  layers: readonly LayerEstimate[],
): string {
  const lines = layers.map((l) => {
    const parts = [
      `\`${l.name}\` → ${shape(l.shape)} (${formatBytes(l.outputBytes)})`,
      l.ram === null
        ? undefined
        : `ram at this step ${formatBytes(l.ram)}${l.ramFileOrder !== null && l.ramFileOrder !== l.ram ? ` (file order ${formatBytes(l.ramFileOrder)})` : ''}`,
      `flash ${formatBytes(l.flash)} (${l.params.toLocaleString('en-US')} parameters)`,
      `${formatCount(l.macs)} MACs`,
      l.cycles === null ? undefined : `${l.cycles.toLocaleString('en-US')} cycles`,
    ].filter(Boolean);
    return parts.join(' · ');
  });
  if (layers.some((l) => l.node === e.estimate.peakNode)) lines.push(peakMarkdown(state, e));
  return lines.join('  \n');
}
