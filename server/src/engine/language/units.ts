/**
 * Units of the language. KB, MB are binary (1 KB = 1024 B), as in microcontroller datasheets
 * ("320 KB SRAM" = 327 680 B); KiB and MiB are accepted as exact synonyms. MAC counts are decimal
 * (1 M = 1 000 000), as in papers. Every value is converted to a canonical unit on lowering:
 * bytes, MACs, seconds, hertz.
 */

export type Dimension = 'bytes' | 'count' | 'time' | 'frequency';

export const UNITS: Readonly<Record<Dimension, Readonly<Record<string, number>>>> = {
  bytes: { B: 1, KB: 1024, KiB: 1024, MB: 1024 * 1024, MiB: 1024 * 1024 },
  count: { K: 1e3, M: 1e6, G: 1e9 },
  time: { us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600 },
  frequency: { Hz: 1, kHz: 1e3, MHz: 1e6, GHz: 1e9 },
};

/** The unit written when none is given (counts may be bare; bytes, time and frequency may not). */
export const BARE_ALLOWED: Readonly<Record<Dimension, boolean>> = {
  bytes: false,
  count: true,
  time: false,
  frequency: false,
};

export const EXAMPLE_UNIT: Readonly<Record<Dimension, string>> = {
  bytes: 'KB',
  count: 'M',
  time: 'ms',
  frequency: 'MHz',
};

export function unitFactor(dim: Dimension, unit: string): number | undefined {
  return UNITS[dim][unit];
}

/** A unit of `dim` that differs from `unit` only in case (`kb` → `KB`), for a certain quick fix. */
export function caseFix(dim: Dimension, unit: string): string | undefined {
  const lower = unit.toLowerCase();
  return Object.keys(UNITS[dim]).find((u) => u.toLowerCase() === lower && u !== unit);
}

/** Which dimension a unit belongs to, if any (to say "MHz is a frequency, not a size"). */
export function dimensionOf(unit: string): Dimension | undefined {
  return (Object.keys(UNITS) as Dimension[]).find((d) => unit in UNITS[d]);
}

const BYTE_STEPS: readonly [number, string][] = [
  [1024 * 1024, 'MB'],
  [1024, 'KB'],
];

/** Human formatting in the language's own units (binary KB). */
export function formatBytes(bytes: number): string {
  for (const [f, u] of BYTE_STEPS) if (Math.abs(bytes) >= f) return `${trim(bytes / f)} ${u}`;
  return `${Math.round(bytes)} B`;
}

export function formatCount(n: number): string {
  if (Math.abs(n) >= 1e9) return `${trim(n / 1e9)} G`;
  if (Math.abs(n) >= 1e6) return `${trim(n / 1e6)} M`;
  if (Math.abs(n) >= 1e3) return `${trim(n / 1e3)} K`;
  return `${Math.round(n)}`;
}

export function formatSeconds(s: number): string {
  if (s >= 1) return `${trim(s)} s`;
  if (s >= 1e-3) return `${trim(s * 1e3)} ms`;
  return `${trim(s * 1e6)} µs`;
}

function trim(x: number): string {
  const r =
    Math.abs(x) >= 100
      ? Math.round(x)
      : Math.abs(x) >= 10
        ? Math.round(x * 10) / 10
        : Math.round(x * 100) / 100;
  return String(r);
}
