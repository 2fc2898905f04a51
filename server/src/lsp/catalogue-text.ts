import type { Board } from '../engine/boards/catalogue.js';
import type { DatasetKind } from '../engine/language/ast.js';
import { DATASETS } from '../engine/language/datasets.js';
import type { StatementSpec } from '../engine/language/schema.js';
import { dimensionOf, formatBytes, formatCount, UNITS } from '../engine/language/units.js';
import { CORES, isCoreId } from '../engine/resources/index.js';

/** Documentation texts of the language's catalogues (keywords, boards, datasets, units, cores), for hover and completion. */

export function keywordMarkdown(spec: StatementSpec): string {
  return `\`\`\`unas\n${spec.usage}\n\`\`\`\n\n${spec.doc}`;
}

/** One line: `320 KB RAM · 1 MB flash · cortex-m7 @ 216 MHz`. */
export function boardDetail(b: Board): string {
  return `${formatBytes(b.ramBytes)} RAM · ${formatBytes(b.flashBytes)} flash · ${b.core} @ ${formatCount(b.clockHz)}Hz`;
}

export function boardMarkdown(b: Board, budget: { ram: number; flash: number }): string {
  const core = CORES[b.core];
  const lines = [
    `**${b.name}** (\`${b.id}\`) — ${b.mcu}, ${core?.name ?? b.core} @ ${formatCount(b.clockHz)}Hz`,
    '',
    `RAM ${formatBytes(b.ramBytes)}${b.ramContiguousBytes !== b.ramBytes ? ` (largest contiguous region ${formatBytes(b.ramContiguousBytes)})` : ''} · flash ${formatBytes(b.flashBytes)}`,
    `Reserved for the runtime and application: RAM ${formatBytes(b.reserve.ram)}, flash ${formatBytes(b.reserve.flash)} — the model gets RAM ${formatBytes(budget.ram)}, flash ${formatBytes(budget.flash)}.`,
  ];
  if (b.aliases.length) lines.push('', `Also: ${b.aliases.map((a) => `\`${a}\``).join(', ')}`);
  if (b.notes) lines.push('', b.notes);
  lines.push('', `*${b.source}*`);
  return lines.join('\n');
}

export function datasetMarkdown(kind: DatasetKind): string {
  const d = DATASETS[kind];
  const facts = [
    d.input ? `input ${d.input.join('×')}` : undefined,
    d.classes ? `${d.classes} classes` : undefined,
    d.needsPath ? 'needs `path`' : undefined,
  ].filter(Boolean);
  return `**${kind}**${facts.length ? ` — ${facts.join(', ')}` : ''}\n\n${d.doc}`;
}

export function datasetDetail(kind: DatasetKind): string {
  const d = DATASETS[kind];
  return [
    d.input?.join('x'),
    d.classes ? `${d.classes} classes` : undefined,
    d.needsPath ? 'needs path' : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

const DIMENSION_NAME = { bytes: 'size', count: 'count', time: 'time', frequency: 'frequency' } as const;

export function unitMarkdown(unit: string): string | undefined {
  const dim = dimensionOf(unit);
  if (!dim) return undefined;
  const f = UNITS[dim][unit]!;
  const base = { bytes: 'bytes', count: '', time: 's', frequency: 'Hz' }[dim];
  const value =
    dim === 'bytes'
      ? `${f.toLocaleString('en-US')} bytes`
      : `${f.toExponential().replace(/e\+?0$/, '')} ${base}`.trim();
  const note =
    dim === 'bytes' && f > 1
      ? ' (binary, as in microcontroller datasheets)'
      : dim === 'count'
        ? ' (decimal, as in papers)'
        : '';
  return `**${unit}** — a ${DIMENSION_NAME[dim]} unit: 1 ${unit} = ${value}${note}`;
}

export function coreMarkdown(id: string): string | undefined {
  if (!isCoreId(id)) return undefined;
  const c = CORES[id];
  return `**${c.name}** (\`${c.id}\`)${c.cmsisNn ? ' — TFLM uses CMSIS-NN kernels' : ''}\n\n${c.notes}`;
}

/** Heads of a model block that are not layers. */
export const NON_LAYER_MODEL_HEADS: ReadonlySet<string> = new Set(['input', 'target']);
