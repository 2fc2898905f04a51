import type { Metric } from '../../protocol/src/run-events.js';

/** Numbers as the tools print them: KB = 1024 B (see docs/language.md), MACs in k / M. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb < 10 && !Number.isInteger(kb) ? kb.toFixed(1) : Math.round(kb)} KB`;
  const mb = kb / 1024;
  return `${mb < 10 && !Number.isInteger(mb) ? mb.toFixed(1) : Math.round(mb)} MB`;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${trim(n / 1e3)} k`;
  if (n < 1e9) return `${trim(n / 1e6)} M`;
  return `${trim(n / 1e9)} G`;
}

const trim = (x: number): string => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : String(Math.round(x)));

export function formatPercent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A round percentage as short as it can be (axis ticks, limits): 3%, 2.5%, 0.25%. */
export function formatRoundPercent(fraction: number): string {
  const pct = Math.round(fraction * 1e6) / 1e4;
  return `${pct}%`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return '< 1 min';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h} h ${min % 60} min`;
}

export function formatMetric(metric: Metric, value: number): string {
  switch (metric) {
    case 'error':
      return formatPercent(value);
    case 'ram':
    case 'arena':
    case 'flash':
      return formatBytes(value);
    case 'macs':
      return formatCount(value);
    case 'latency':
      return formatMs(value);
  }
}

export const METRIC_LABELS: Readonly<Record<Metric, string>> = {
  error: 'Validation error',
  ram: 'Peak RAM',
  arena: 'Arena',
  flash: 'Flash',
  macs: 'MACs',
  latency: 'Latency',
};
