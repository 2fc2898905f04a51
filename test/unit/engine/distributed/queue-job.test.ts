import { describe, expect, it } from 'vitest';
import {
  checkJobData,
  checkJobResult,
  checkProgress,
  jobIdOf,
  runId,
  type QueueJobData,
} from '../../../../server/src/engine/distributed/queue-job.js';
import { parseQueueUrl } from '../../../../server/src/engine/distributed/queue-url.js';
import { trainConfig } from '../../../harness/training-fixtures.js';

const job: QueueJobData = {
  v: 1,
  run: 'abc123',
  candidate: 7,
  model: 'model c {\n input 28x28x1\n flatten\n dense 10\n softmax\n}',
  dataset: { spec: { kind: 'mnist', subset: 300 }, input: [28, 28, 1], classes: 10, augment: {} },
  baseDir: '/data',
  train: trainConfig({ epochs: 1, batch: 64, lr: 0.01 }),
  seed: 3,
  fingerprint: 'a'.repeat(64),
  weights: 'inline',
};

describe('queue job boundary', () => {
  it('accepts a well-formed job and names the bad field of a broken one', () => {
    expect(checkJobData(job)).toEqual({ ok: true, value: job });
    expect(checkJobData({ ...job, v: 2 })).toMatchObject({ ok: false, error: /unsupported version 2/ });
    expect(checkJobData({ ...job, model: 42 })).toEqual({ ok: false, error: "job: bad or missing 'model'" });
    expect(checkJobData({ ...job, train: { ...job.train, epochs: 0 } })).toEqual({
      ok: false,
      error: "job: bad or missing 'train.epochs'",
    });
    // A final-phase job's time share travels with it; it must be a positive number of seconds.
    const bounded = { ...job, train: { ...job.train, seconds: 510 } };
    expect(checkJobData(bounded)).toEqual({ ok: true, value: bounded });
    expect(checkJobData({ ...job, train: { ...job.train, seconds: -1 } })).toEqual({
      ok: false,
      error: "job: bad or missing 'train.seconds'",
    });
    expect(checkJobData({ ...job, dataset: { ...job.dataset, spec: { kind: 'rm -rf' } } })).toEqual({
      ok: false,
      error: "job: bad or missing 'dataset.spec'",
    });
    expect(checkJobData({ ...job, fingerprint: 'xyz' })).toMatchObject({ ok: false });
    expect(checkJobData({ ...job, run: '../etc' })).toMatchObject({ ok: false });
    expect(checkJobData(null)).toEqual({ ok: false, error: 'job: not an object' });
    // Weight inheritance: the parent's weights travel with the job, checked like a result's.
    const inherit = { pairs: [{ child: 'conv_1', parent: 'conv_1' }], files: { 'weights.bin': 'AAAA' } };
    expect(checkJobData({ ...job, inherit })).toMatchObject({ ok: true });
    expect(checkJobData({ ...job, inherit: { ...inherit, pairs: [{ child: 1 }] } })).toMatchObject({
      ok: false,
      error: /inherit.pairs/,
    });
    expect(checkJobData({ ...job, inherit: { ...inherit, files: { '/etc/passwd': 'AAAA' } } })).toMatchObject(
      {
        ok: false,
        error: /inherit.files \(unexpected/,
      },
    );
    expect(jobIdOf({ ...job, inherit })).not.toBe(jobIdOf(job));
  });

  it('checks results: worker, numbers, weight files (no paths out of the shared folder)', () => {
    const trained = { status: 'trained', accuracy: 0.9, bestEpoch: 0, curve: [0.9], seconds: 1 };
    const ok = { v: 1, worker: 'node-3:1234', result: trained };
    expect(checkJobResult(ok)).toMatchObject({ ok: true });
    expect(checkJobResult({ ...ok, worker: 'no pid' })).toMatchObject({ ok: false, error: /'worker'/ });
    expect(checkJobResult({ ...ok, result: { ...trained, accuracy: 1.5 } })).toMatchObject({ ok: false });
    expect(checkJobResult({ ...ok, result: { ...trained, status: 'done' } })).toMatchObject({ ok: false });
    const inline = { kind: 'inline', files: { 'model.json': 'e30=', 'weights.bin': 'AAAA' } };
    expect(checkJobResult({ ...ok, weights: inline })).toMatchObject({ ok: true });
    expect(
      checkJobResult({ ...ok, weights: { kind: 'inline', files: { '../../.bashrc': 'AAAA' } } }),
    ).toMatchObject({ ok: false, error: /unexpected/ });
    expect(checkJobResult({ ...ok, weights: { kind: 'shared', path: '../../etc' } })).toMatchObject({
      ok: false,
    });
    expect(checkJobResult({ ...ok, weights: { kind: 'shared', path: 'abc123/abc123-7-0f' } })).toMatchObject({
      ok: true,
    });
    expect(checkProgress({ worker: 'a:1', epoch: 1, epochs: 2, loss: 0.5, accuracy: 0.8 })).toMatchObject({
      ok: true,
    });
    expect(checkProgress({ worker: 'a:1', epoch: 'x' })).toMatchObject({ ok: false });
  });

  it('carries a pruning spec and audio datasets, and checks what pruning reached', () => {
    const pruning = { kind: 'structured', sparsity: 0.4, start: 2, end: 4, every: 16 } as const;
    expect(checkJobData({ ...job, pruning })).toMatchObject({ ok: true });
    expect(checkJobData({ ...job, pruning: { ...pruning, sparsity: 1.5 } })).toEqual({
      ok: false,
      error: "job: bad or missing 'pruning'",
    });
    expect(jobIdOf({ ...job, pruning })).not.toBe(jobIdOf(job));
    const audio = { ...job.dataset, spec: { kind: 'audio', path: '/data/kws' }, input: [49, 40, 1] };
    expect(checkJobData({ ...job, dataset: audio })).toMatchObject({ ok: true });
    const reached = {
      kind: 'structured',
      target: 0.4,
      sparsity: 0.38,
      prunableWeights: 100,
      zeroedWeights: 38,
    };
    const trained = { status: 'trained', accuracy: 0.9, bestEpoch: 0, curve: [0.9], seconds: 1 };
    const ok = {
      v: 1,
      worker: 'node-3:1234',
      result: { ...trained, pruning: { ...reached, channels: { c1: 5 } } },
    };
    expect(checkJobResult(ok)).toMatchObject({ ok: true });
    for (const bad of [
      { ...reached, zeroedWeights: 101 },
      { ...reached, kind: 'magic' },
      { ...reached, channels: { c1: -1 } },
    ])
      expect(checkJobResult({ ...ok, result: { ...trained, pruning: bad } })).toMatchObject({ ok: false });
  });

  it('derives stable ids: same request same job, cheap and full trainings apart, no colon', () => {
    expect(jobIdOf(job)).toBe(jobIdOf({ ...job }));
    expect(jobIdOf(job)).not.toBe(jobIdOf({ ...job, train: { ...job.train, epochs: 3 } }));
    expect(jobIdOf(job)).not.toBe(jobIdOf({ ...job, test: true }));
    expect(jobIdOf(job)).toMatch(/^abc123-7-[0-9a-f]{12}$/);
    expect(runId('tiny-20261207-101212', { a: 1 })).toBe(runId('tiny-20261207-101212', { a: 1 }));
    expect(runId('tiny-20261207-101212', { a: 1 })).not.toBe(runId('tiny-20261207-101213', { a: 1 }));
  });
});

describe('queue URL', () => {
  it('reads host, port, db, credentials and TLS, and never shows the password', () => {
    const r = parseQueueUrl('rediss://search:s3cret@redis.lan:6380/2');
    expect(r).toEqual({
      ok: true,
      url: {
        tls: true,
        host: 'redis.lan',
        port: 6380,
        db: 2,
        username: 'search',
        password: 's3cret',
        display: 'rediss://search@redis.lan:6380/2',
      },
    });
    expect(parseQueueUrl('redis://localhost')).toMatchObject({
      ok: true,
      url: { port: 6379, db: 0, tls: false },
    });
  });

  it('says what is wrong', () => {
    expect(parseQueueUrl('http://x:1')).toMatchObject({ ok: false, error: /redis:\/\/ or rediss:\/\// });
    expect(parseQueueUrl('redis://x:1/99')).toMatchObject({ ok: false, error: /0\.\.15/ });
    expect(parseQueueUrl('not a url')).toMatchObject({ ok: false, error: /not a URL/ });
    const bad = parseQueueUrl('redis://u:hunter2@x:1/zz');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).not.toContain('hunter2');
  });
});
