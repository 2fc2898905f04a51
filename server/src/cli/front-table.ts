import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import { formatBytes, formatCount } from '../engine/language/units.js';

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * (1 - x)).toFixed(2)}%`);

/**
 * What pruning reached: structured flash is already the smaller network's; unstructured flash is
 * the dense model that deploys, with μNAS's non-zero count beside it.
 */
function prunedText(c: CandidateSummary): string {
  const p = c.pruning;
  if (!p) return '—';
  const reached = `${(100 * p.sparsity).toFixed(0)}%`;
  return p.nonZeroFlash === undefined
    ? `${reached} structured`
    : `${reached} (non-zeros ${formatBytes(p.nonZeroFlash)})`;
}

/** The front as an aligned text table, best validation accuracy first (and who trained it, if known). */
export function frontTable(front: readonly CandidateSummary[]): string {
  const byWorker = front.some((c) => c.trainedBy !== undefined);
  const pruned = front.some((c) => c.pruning);
  const final = front.some((c) => c.finalError !== undefined);
  const rows = [...front]
    .sort((a, b) => (a.error ?? 1) - (b.error ?? 1))
    .map((c) => [
      String(c.id),
      pct(c.error),
      ...(final ? [pct(c.finalError)] : []),
      pct(c.testError),
      formatBytes(c.resources.ram),
      formatBytes(c.resources.arena),
      formatBytes(c.resources.flash),
      formatCount(c.resources.macs),
      `${c.resources.latency.toFixed(2)} ms`,
      ...(pruned ? [prunedText(c)] : []),
      ...(byWorker ? [c.trainedBy ?? '—'] : []),
    ]);
  const head = [
    'id',
    'val acc',
    ...(final ? ['final val'] : []),
    'test acc',
    'ram',
    'arena',
    'flash',
    'MACs',
    'latency',
    ...(pruned ? ['pruned'] : []),
    ...(byWorker ? ['trained by'] : []),
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function frontJson(front: readonly CandidateSummary[]): unknown[] {
  return front.map((c) => ({
    id: c.id,
    error: c.error,
    testError: c.testError,
    ...(c.finalError !== undefined ? { finalError: c.finalError } : {}),
    resources: c.resources,
    ...(c.pruning ? { pruning: c.pruning } : {}),
    model: c.model,
    ...(c.trainedBy ? { trainedBy: c.trainedBy } : {}),
  }));
}
