/**
 * Append-only sequences shared between successive states, so folding an event costs O(1) instead of
 * copying every candidate seen so far. A state sees `items[0 .. length)`; appending to the newest
 * state pushes onto the shared array (older states keep their shorter `length`, so they do not see
 * it). Appending to an older state (a branch) copies first — observably the log is immutable.
 */
export interface AppendLog<T> {
  readonly items: readonly T[];
  readonly length: number;
}

/** An append log with a key → position index (shared the same way, validated on lookup). */
export interface KeyedLog<T> extends AppendLog<T> {
  readonly index: ReadonlyMap<number, number>;
}

export function emptyLog<T>(): AppendLog<T> {
  return { items: [], length: 0 };
}

export function emptyKeyedLog<T>(): KeyedLog<T> {
  return { items: [], length: 0, index: new Map() };
}

export function append<T>(log: AppendLog<T>, item: T): AppendLog<T> {
  const items = (log.items.length === log.length ? log.items : log.items.slice(0, log.length)) as T[];
  items.push(item);
  return { items, length: log.length + 1 };
}

/** The items this log holds, without copying when it is the newest view of its array. */
export function toArray<T>(log: AppendLog<T>): readonly T[] {
  return log.items.length === log.length ? log.items : log.items.slice(0, log.length);
}

export function last<T>(log: AppendLog<T>): T | undefined {
  return log.length > 0 ? log.items[log.length - 1] : undefined;
}

export function lookup<T>(log: KeyedLog<T>, key: number, keyOf: (item: T) => number): T | undefined {
  const at = log.index.get(key);
  if (at === undefined || at >= log.length) return undefined;
  const item = log.items[at] as T;
  return keyOf(item) === key ? item : undefined;
}

/** Appends `item`, or replaces the item with the same key (a copy: rare, e.g. a re-trained candidate). */
export function upsert<T>(log: KeyedLog<T>, item: T, keyOf: (item: T) => number): KeyedLog<T> {
  const key = keyOf(item);
  const at = log.index.get(key);
  if (at !== undefined && at < log.length && keyOf(log.items[at] as T) === key) {
    const items = log.items.slice(0, log.length);
    items[at] = item;
    return { items, length: log.length, index: new Map(log.index) };
  }
  const shared = log.items.length === log.length;
  const items = (shared ? log.items : log.items.slice(0, log.length)) as T[];
  const index = (shared ? log.index : new Map(log.index)) as Map<number, number>;
  items.push(item);
  index.set(key, log.length);
  return { items, length: log.length + 1, index };
}
