import type { RedisClient } from 'bullmq';
import type { WorkerSummary } from '../../../../protocol/src/run-events.js';
import { WORKERS_KEY } from './queue-job.js';

/** What a `unas worker` says about itself, once a second, in the hash `unas:workers`. */
export interface WorkerBeat {
  /** `host:pid`. */
  readonly id: string;
  readonly backend: string;
  readonly concurrency: number;
  /** Jobs in training now: run id and candidate. */
  readonly jobs: readonly { readonly run: string; readonly candidate: number }[];
  /** Increases with every beat: liveness is judged by change, so clocks need not agree. */
  readonly seq: number;
}

export const BEAT_MS = 1000;
/** A worker whose beat has not changed for this long is gone (killed, or cut off from Redis). */
export const GONE_MS = 5000;

export function writeBeat(client: RedisClient, beat: WorkerBeat): Promise<unknown> {
  return client.hset(WORKERS_KEY, { [beat.id]: JSON.stringify(beat) });
}

export function removeBeat(client: RedisClient, id: string): Promise<unknown> {
  return client.hdel(WORKERS_KEY, id);
}

function checkBeat(text: string): WorkerBeat | undefined {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof x !== 'object' || x === null) return undefined;
  const b = x as Record<string, unknown>;
  const int = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (typeof b.id !== 'string' || b.id.length > 300 || typeof b.backend !== 'string' || b.backend.length > 40)
    return undefined;
  if (!int(b.concurrency) || !int(b.seq) || !Array.isArray(b.jobs) || b.jobs.length > 10_000)
    return undefined;
  if (
    !b.jobs.every(
      (j: unknown) => typeof j === 'object' && j !== null && int((j as { candidate?: unknown }).candidate),
    )
  )
    return undefined;
  return b as unknown as WorkerBeat;
}

/**
 * The coordinator's view of the workers: reads the beats, keeps those that changed within
 * GONE_MS of this process's own clock, and forgets (deletes) the others.
 */
export class WorkerRegistry {
  private readonly seen = new Map<string, { seq: number; at: number; beat: WorkerBeat }>();

  constructor(private readonly now: () => number = Date.now) {}

  async refresh(client: RedisClient): Promise<WorkerBeat[]> {
    const all = await client.hgetall(WORKERS_KEY);
    const t = this.now();
    const live: WorkerBeat[] = [];
    for (const [id, text] of Object.entries(all)) {
      const beat = checkBeat(text);
      if (!beat || beat.id !== id) continue;
      const prev = this.seen.get(id);
      if (!prev || prev.seq !== beat.seq) this.seen.set(id, { seq: beat.seq, at: t, beat });
      const at = this.seen.get(id)!.at;
      // A beat seen for the first time may be a leftover of a dead worker: it counts once it changes.
      if (prev && t - at <= GONE_MS) live.push(beat);
      else if (prev && t - at > GONE_MS * 6) await client.hdel(WORKERS_KEY, id);
    }
    for (const id of this.seen.keys()) if (!(id in all)) this.seen.delete(id);
    return live.sort((a, b) => a.id.localeCompare(b.id));
  }
}

/** The panel's view of the workers, from this run's point of view. */
export function summarise(beats: readonly WorkerBeat[], run: string): WorkerSummary[] {
  return beats.map((b) => ({
    id: b.id,
    backend: b.backend,
    concurrency: b.concurrency,
    jobs: b.jobs.filter((j) => j.run === run).map((j) => j.candidate),
    other: b.jobs.filter((j) => j.run !== run).length,
  }));
}
