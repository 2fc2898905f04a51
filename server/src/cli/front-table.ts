import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import { formatBytes, formatCount } from '../engine/language/units.js';

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * (1 - x)).toFixed(2)}%`);

/** The front as an aligned text table, best validation accuracy first. */
export function frontTable(front: readonly CandidateSummary[]): string {
  const rows = [...front]
    .sort((a, b) => (a.error ?? 1) - (b.error ?? 1))
    .map((c) => [
      String(c.id),
      pct(c.error),
      pct(c.testError),
      formatBytes(c.resources.ram),
      formatBytes(c.resources.arena),
      formatBytes(c.resources.flash),
      formatCount(c.resources.macs),
      `${c.resources.latency.toFixed(2)} ms`,
    ]);
  const head = ['id', 'val acc', 'test acc', 'ram', 'arena', 'flash', 'MACs', 'latency'];
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
    resources: c.resources,
    model: c.model,
  }));
}
