import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunEvent } from '../../../protocol/src/validate.js';
import { generateRunStream } from '../../support/run-stream.js';

const FIXTURE = join(__dirname, '../../fixtures/runs/mnist-300.jsonl');

/** The recorded stream is the generator's output; `UPDATE_FIXTURES=1` rewrites it. */
describe('fixture runs/mnist-300.jsonl', () => {
  const events = generateRunStream({ candidates: 300 });
  const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';

  it('is up to date with test/support/run-stream.ts', () => {
    if (process.env.UPDATE_FIXTURES || !existsSync(FIXTURE)) writeFileSync(FIXTURE, text);
    expect(readFileSync(FIXTURE, 'utf8') === text, 'stale fixture: run with UPDATE_FIXTURES=1').toBe(true);
  });

  it('is a valid, plausible run', () => {
    for (const e of events) expect(checkRunEvent(e)).toMatchObject({ ok: true });
    const finished = events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []));
    expect(events[0]?.type).toBe('run-started');
    expect(events.at(-1)?.type).toBe('run-finished');
    expect(finished).toHaveLength(300);
    expect(new Set(finished.map((c) => c.id)).size).toBe(300);
    const count = (s: string) => finished.filter((c) => c.status === s).length;
    expect(count('rejected')).toBeGreaterThan(10);
    expect(count('failed')).toBeGreaterThan(3);
    for (const c of finished) {
      expect(c.feasible).toBe(c.resources.ram <= 8192 && c.resources.flash <= 16384);
      expect(c.status === 'rejected').toBe(!c.feasible);
      expect(c.error !== undefined).toBe(c.status === 'trained');
    }
    expect(events.filter((e) => e.type === 'epoch').length).toBeGreaterThan(600);
    expect(events.filter((e) => e.type === 'front').length).toBeGreaterThan(20);
  });
});

describe('checkRunEvent', () => {
  it('names a candidate’s error field that is not a finite number', () => {
    const finished = generateRunStream({ candidates: 5 }).find(
      (e) => e.type === 'candidate-finished' && e.candidate.status === 'trained',
    )!;
    if (finished.type !== 'candidate-finished') throw new Error('no trained candidate');
    expect(
      checkRunEvent({ ...finished, candidate: { ...finished.candidate, finalError: 0.01 } }),
    ).toMatchObject({
      ok: true,
    });
    for (const k of ['error', 'testError', 'finalError'])
      expect(checkRunEvent({ ...finished, candidate: { ...finished.candidate, [k]: 'x' } })).toEqual({
        ok: false,
        error: `candidate-finished: bad or missing 'candidate.${k}'`,
      });
  });
});
