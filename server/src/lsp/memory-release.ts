import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Timers } from '../services.js';

/** Closed text (UTF-16 units) after which an idle server collects garbage once. */
const RELEASE_AFTER_CHARS = 1 << 20;
/** Quiet time after the last close before collecting. */
const IDLE_MS = 1000;

/** V8's full collection, which also returns freed pages to the system; undefined where unavailable. */
function fullGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Node never collects an idle process on its own, so after large documents are closed their
 * memory stays resident (hundreds of MB after a few huge ones). This schedules one full
 * collection once a megabyte of text has been closed and the server has been idle for a second.
 * Returns the function to call with each closed document's length.
 */
export function memoryReleaser(timers: Timers): (closedChars: number) => void {
  const gc = fullGc();
  let closed = 0;
  let timer: unknown;
  return (chars) => {
    if (!gc) return;
    closed += chars;
    if (closed < RELEASE_AFTER_CHARS) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      closed = 0;
      gc();
      // The pages the first collection freed are returned by the next one, once swept. It comes
      // after V8's 5 s allocation-throughput window has passed, so V8 sees the idle rate and also
      // shrinks the young generation (grown to ~32 MB under load; it never shrinks otherwise).
      timer = timers.setTimeout(() => {
        timer = undefined;
        gc();
      }, 5 * IDLE_MS);
    }, IDLE_MS);
  };
}
