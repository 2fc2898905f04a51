import { mulberry32 } from '../../server/src/engine/rng/seeded-rng.js';
import type {
  CandidateSummary,
  ConstraintSummary,
  LayerSummary,
  Metric,
  RunEvent,
} from '../../protocol/src/run-events.js';

/**
 * A deterministic, plausible search event stream for the panel's tests: the MNIST search of
 * examples/mnist.unas (ram ≤ 8 KB and flash ≤ 16 KB hard, macs ≤ 2 M and error ≤ 3% soft), aging
 * evolution on 2 workers, 3 epochs per candidate. Resources come from a small int8 cost model
 * (valid padding, peak RAM = largest input + output of a layer), errors from a capacity model with
 * seeded noise. Candidates over a hard limit are rejected before training (never trained, no error);
 * a few fail while training. The front (error, ram, flash, macs; feasible trained candidates) and
 * its hypervolume (a fixed Monte Carlo sample, so it only grows) are reported whenever they change.
 *
 * `test/fixtures/runs/mnist-300.jsonl` is `generateRunStream({ candidates: 300 })`, one event per
 * line; test/unit/webview/run-fixture.test.ts fails when it is stale (UPDATE_FIXTURES=1 rewrites it).
 */
export interface StreamOptions {
  readonly candidates: number;
  readonly seed?: number;
  readonly workers?: number;
  readonly epochs?: number;
  readonly run?: string;
}

export const RAM_LIMIT = 8 * 1024;
export const FLASH_LIMIT = 16 * 1024;
export const MACS_LIMIT = 2_000_000;
export const ERROR_LIMIT = 0.03;

export const CONSTRAINTS: readonly ConstraintSummary[] = [
  { metric: 'ram', limit: RAM_LIMIT, mode: 'hard' },
  { metric: 'flash', limit: FLASH_LIMIT, mode: 'hard' },
  { metric: 'macs', limit: MACS_LIMIT, mode: 'soft' },
  { metric: 'error', limit: ERROR_LIMIT, mode: 'soft' },
];
const OBJECTIVES: readonly Metric[] = ['error', 'ram', 'flash', 'macs'];
const START = Date.parse('2025-06-02T09:00:00.000Z');

/** The engine's seeded generator, as a bare function. */
const rng = (seed: number): (() => number) => mulberry32(seed).next;

type Op = 'conv2d' | 'conv1x1' | 'dwconv2d';
interface ConvLayer {
  readonly op: Op;
  readonly kernel: number;
  readonly stride: number;
  readonly channels: number;
  readonly prepool: boolean;
  readonly relu: boolean;
}
interface Arch {
  readonly convs: readonly ConvLayer[];
  readonly pool: 'none' | 'avg' | 'max';
  readonly dense: readonly number[];
}

const LENET_TINY: Arch = {
  convs: [
    { op: 'conv2d', kernel: 3, stride: 2, channels: 8, prepool: false, relu: true },
    { op: 'dwconv2d', kernel: 3, stride: 1, channels: 8, prepool: false, relu: true },
    { op: 'conv1x1', kernel: 1, stride: 1, channels: 16, prepool: false, relu: true },
    { op: 'conv2d', kernel: 3, stride: 1, channels: 16, prepool: true, relu: true },
  ],
  pool: 'avg',
  dense: [],
};

interface Costed {
  readonly layers: LayerSummary[];
  readonly model: string;
  readonly ram: number;
  readonly flash: number;
  readonly macs: number;
  readonly params: number;
}

/** Shapes and int8 costs layer by layer (valid padding; layers that no longer fit are skipped). */
function cost(arch: Arch): Costed {
  let [hgt, wid, ch] = [28, 28, 1];
  const layers: LayerSummary[] = [];
  const lines = ['input 28x28x1'];
  let params = 0;
  const push = (
    name: string,
    text: string,
    shape: number[],
    inBytes: number,
    weights: number,
    macs: number,
  ) => {
    const out = shape.reduce((a, b) => a * b, 1);
    layers.push({ name, text, shape, ram: inBytes + out, flash: weights, macs });
    lines.push(text);
  };
  arch.convs.forEach((l, i) => {
    const k = l.op === 'conv1x1' ? 1 : l.kernel;
    const s = l.op === 'conv1x1' ? 1 : l.stride;
    const pooled = l.prepool ? Math.floor(hgt / 2) : hgt;
    if (pooled < k) return;
    if (l.prepool) {
      const inBytes = hgt * wid * ch;
      hgt = Math.floor(hgt / 2);
      wid = Math.floor(wid / 2);
      push(`pool${i + 1}`, 'maxpool 2', [hgt, wid, ch], inBytes, 0, 0);
    }
    const inBytes = hgt * wid * ch;
    const ho = Math.floor((hgt - k) / s) + 1;
    const wo = Math.floor((wid - k) / s) + 1;
    const cout = l.op === 'dwconv2d' ? ch : l.channels;
    const weights = l.op === 'dwconv2d' ? k * k * ch : k * k * ch * cout;
    const macs = ho * wo * (l.op === 'dwconv2d' ? k * k * ch : k * k * ch * cout);
    params += weights + cout;
    const text =
      l.op === 'conv1x1'
        ? `conv1x1 ${cout}`
        : l.op === 'dwconv2d'
          ? `dwconv2d k${k}${s > 1 ? ` s${s}` : ''}`
          : `conv2d ${cout} k${k}${s > 1 ? ` s${s}` : ''}`;
    push(
      `conv${i + 1}`,
      `${text}${l.relu ? ' relu' : ''}`,
      [ho, wo, cout],
      inBytes,
      weights + 4 * cout,
      macs,
    );
    [hgt, wid, ch] = [ho, wo, cout];
  });
  const inBytes = hgt * wid * ch;
  if (arch.pool === 'none') {
    push('gap', 'gap', [ch], inBytes, 0, hgt * wid * ch);
    [hgt, wid] = [1, 1];
  } else {
    const p = Math.min(2, hgt);
    hgt = Math.floor(hgt / p);
    wid = Math.floor(wid / p);
    push(
      'pool',
      `${arch.pool}pool ${p}`,
      [hgt, wid, ch],
      inBytes,
      0,
      arch.pool === 'avg' ? hgt * wid * ch * p * p : 0,
    );
  }
  let units = hgt * wid * ch;
  const dense = [...arch.dense, 10];
  dense.forEach((u, i) => {
    const last = i === dense.length - 1;
    params += units * u + u;
    push(
      last ? 'classifier' : `dense${i + 1}`,
      `dense ${u}${last ? '' : ' relu'}`,
      [u],
      units,
      units * u + 4 * u,
      units * u,
    );
    units = u;
  });
  lines.push('softmax');
  const ram = Math.max(...layers.map((l) => l.ram));
  const flash = 1200 + 96 * layers.length + layers.reduce((a, l) => a + l.flash, 0);
  const macs = layers.reduce((a, l) => a + l.macs, 0);
  return { layers, model: lines.join('\n'), ram, flash, macs, params };
}

function randomArch(r: () => number): Arch {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const convs: ConvLayer[] = [];
  const blocks = 1 + Math.floor(r() * 3);
  for (let b = 0; b < blocks; b++) {
    const n = 1 + Math.floor(r() * 2);
    for (let i = 0; i < n; i++) convs.push(randomLayer(r, pick));
  }
  const pool = r() < 0.1 ? 'none' : pick(['avg', 'max'] as const);
  return { convs, pool, dense: r() < 0.4 ? [10 + Math.floor(r() * 55)] : [] };
}

function randomLayer(r: () => number, pick: <T>(xs: readonly T[]) => T): ConvLayer {
  return {
    op: pick(['conv2d', 'conv2d', 'conv1x1', 'dwconv2d'] as const),
    kernel: pick([3, 5]),
    stride: pick([1, 2]),
    channels: 4 + Math.floor(r() * 29),
    prepool: r() < 0.25,
    relu: r() < 0.9,
  };
}

/** One morphism of the parent; returns the child and its name (`origin`). */
function mutate(parent: Arch, r: () => number): { arch: Arch; origin: string } {
  const convs = parent.convs.slice();
  const i = Math.floor(r() * convs.length);
  const l = convs[i] as ConvLayer;
  const kind = Math.floor(r() * 7);
  switch (kind) {
    case 0:
      convs[i] = { ...l, channels: Math.min(32, Math.ceil(l.channels * 1.5)) };
      return { arch: { ...parent, convs }, origin: `widen conv${i + 1}` };
    case 1:
      convs[i] = { ...l, channels: Math.max(4, Math.floor(l.channels / 1.5)) };
      return { arch: { ...parent, convs }, origin: `narrow conv${i + 1}` };
    case 2:
      convs[i] = { ...l, kernel: l.kernel === 3 ? 5 : 3 };
      return {
        arch: { ...parent, convs },
        origin: `kernel ${l.kernel}→${l.kernel === 3 ? 5 : 3} conv${i + 1}`,
      };
    case 3:
      convs[i] = { ...l, stride: l.stride === 1 ? 2 : 1 };
      return {
        arch: { ...parent, convs },
        origin: `stride ${l.stride}→${l.stride === 1 ? 2 : 1} conv${i + 1}`,
      };
    case 4:
      if (convs.length < 6) {
        convs.splice(
          i + 1,
          0,
          randomLayer(r, (xs) => xs[Math.floor(r() * xs.length)] as never),
        );
        return { arch: { ...parent, convs }, origin: `insert conv${i + 2}` };
      }
      return mutate(parent, r);
    case 5:
      if (convs.length > 1) {
        convs.splice(i, 1);
        return { arch: { ...parent, convs }, origin: `remove conv${i + 1}` };
      }
      return mutate(parent, r);
    default:
      convs[i] = { ...l, prepool: !l.prepool };
      return { arch: { ...parent, convs }, origin: `${l.prepool ? 'drop' : 'add'} pool before conv${i + 1}` };
  }
}

interface Planned {
  readonly id: number;
  readonly arch: Arch;
  readonly costed: Costed;
  readonly candidate: CandidateSummary;
  readonly worker: number;
  readonly start: number;
  readonly end: number;
  readonly epochs: readonly { time: number; epoch: number; loss: number; accuracy: number }[];
}

export function generateRunStream(options: StreamOptions): RunEvent[] {
  const r = rng(options.seed ?? 20250602);
  const workers = options.workers ?? 2;
  const epochs = options.epochs ?? 3;
  const total = options.candidates;
  const run = options.run ?? `mnist-${total}`;
  const free = Array.from({ length: workers }, () => START + 4_000);
  const planned: Planned[] = [];

  for (let id = 0; id < total; id++) {
    const worker = free.indexOf(Math.min(...free));
    const now = free[worker] as number;
    let arch: Arch;
    let origin: string;
    let parent: number | undefined;
    if (id === 0) [arch, origin] = [LENET_TINY, 'baseline'];
    else if (id < 16) [arch, origin] = [randomArch(r), 'random'];
    else {
      // Aging evolution: the 16 latest trained candidates known now, a sample of 4, the fittest mutated.
      const known: Planned[] = [];
      for (let j = planned.length - 1; j >= 0 && known.length < 16; j--) {
        const p = planned[j] as Planned;
        if (p.end <= now && p.candidate.error !== undefined) known.unshift(p);
      }
      const sample = Array.from({ length: 4 }, () => known[Math.floor(r() * known.length)]).filter(
        (p): p is Planned => !!p,
      );
      const fitness = (p: Planned) =>
        (p.candidate.error ?? 1) / ERROR_LIMIT +
        p.costed.ram / RAM_LIMIT +
        p.costed.flash / FLASH_LIMIT +
        Math.min(p.costed.macs / MACS_LIMIT, 10);
      const best = sample.sort((a, b) => fitness(a) - fitness(b))[0];
      if (best) {
        const child = mutate(best.arch, r);
        [arch, origin, parent] = [child.arch, child.origin, best.id];
      } else [arch, origin] = [randomArch(r), 'random'];
    }
    const costed = cost(arch);
    const arena = Math.ceil((costed.ram * 1.12 + 384) / 16) * 16;
    const latency = +((costed.macs / 216_000) * 1.4 + 0.04 * costed.layers.length).toFixed(3);
    const resources = { ram: costed.ram, arena, flash: costed.flash, macs: costed.macs, latency };
    const violations: string[] = [];
    if (costed.ram > RAM_LIMIT) violations.push(`ram ${kb(costed.ram)} > 8 KB`);
    if (costed.flash > FLASH_LIMIT) violations.push(`flash ${kb(costed.flash)} > 16 KB`);
    const base = {
      id,
      ...(parent !== undefined ? { parent } : {}),
      origin,
      resources,
      feasible: violations.length === 0,
      violations,
      model: costed.model,
      layers: costed.layers,
    };

    if (violations.length > 0) {
      // Over a hard limit: rejected before training; the worker proposes again at once.
      planned.push({
        id,
        arch,
        costed,
        worker,
        start: now,
        end: now,
        epochs: [],
        candidate: { ...base, status: 'rejected' },
      });
      free[worker] = now + 200;
      continue;
    }
    const noise = 1 + (r() - 0.5) * 0.3;
    const unlucky = r() < 0.05 ? 1.8 : 1;
    const error = Math.min(
      0.6,
      (0.006 + 0.09 * Math.exp(-costed.macs / 40_000) + 0.03 * Math.exp(-costed.params / 2_500)) *
        noise *
        unlucky,
    );
    const seconds = 25 + costed.macs / 4_000 + r() * 8;
    const fails = r() < 0.04 ? 1 + Math.floor(r() * (epochs - 1)) : 0;
    const curve: number[] = [];
    const epochEvents: Planned['epochs'][number][] = [];
    const shown = fails || epochs;
    for (let e = 1; e <= shown; e++) {
      const accuracy = +(1 - error - (0.35 - error) * Math.exp(-1.7 * e) * (1 + (r() - 0.5) * 0.1)).toFixed(
        4,
      );
      const loss = +(-Math.log(accuracy) * 1.15 + 0.02 * r()).toFixed(4);
      const last = e === epochs;
      const acc = last ? +(1 - error).toFixed(4) : accuracy;
      curve.push(acc);
      epochEvents.push({ time: now + (seconds * e * 1000) / epochs, epoch: e, loss, accuracy: acc });
    }
    const end = now + (fails ? (seconds * fails * 1000) / epochs + 500 : seconds * 1000);
    const candidate: CandidateSummary = fails
      ? {
          ...base,
          status: 'failed',
          curve,
          failure:
            r() < 0.5
              ? `loss became NaN at epoch ${fails + 1}`
              : `worker ${worker} exited with code 137 (out of memory)`,
        }
      : { ...base, status: 'trained', error: +error.toFixed(4), curve, trainSeconds: +seconds.toFixed(1) };
    planned.push({ id, arch, costed, worker, start: now, end, epochs: epochEvents, candidate });
    free[worker] = end + 300;
  }

  // The timeline, then the front as candidates finish in time order.
  type Timed = { time: number; seq: number; event?: RunEvent; finish?: Planned };
  const timeline: Timed[] = [];
  let seq = 0;
  const iso = (t: number) => new Date(Math.round(t)).toISOString();
  for (const p of planned) {
    if (p.candidate.status !== 'rejected')
      timeline.push({
        time: p.start,
        seq: seq++,
        event: { type: 'candidate-started', id: p.id, worker: p.worker, time: iso(p.start) },
      });
    for (const e of p.epochs)
      timeline.push({
        time: e.time,
        seq: seq++,
        event: { type: 'epoch', id: p.id, epoch: e.epoch, epochs, loss: e.loss, accuracy: e.accuracy },
      });
    timeline.push({ time: p.end, seq: seq++, finish: p });
  }
  timeline.sort((a, b) => a.time - b.time || a.seq - b.seq);

  const events: RunEvent[] = [
    {
      type: 'run-started',
      run,
      search: 'mnist',
      budget: total,
      objectives: OBJECTIVES,
      constraints: CONSTRAINTS,
      backend: 'wasm',
      workers,
      time: iso(START),
      resumed: false,
    },
    { type: 'log', level: 'info', message: 'mnist: 54000 training / 6000 validation images' },
  ];
  const hv = hypervolumeSampler(rng(7), 4096);
  let front: Planned[] = [];
  let evaluated = 0;
  let end = START;
  for (const item of timeline) {
    end = item.time;
    if (item.event) {
      events.push(item.event);
      continue;
    }
    const p = item.finish as Planned;
    evaluated++;
    events.push({ type: 'candidate-finished', candidate: p.candidate, time: iso(item.time) });
    if (p.candidate.status === 'failed')
      events.push({
        type: 'log',
        level: 'warning',
        message: `candidate #${p.id} failed: ${p.candidate.failure}`,
      });
    if (p.candidate.status !== 'trained' || !p.candidate.feasible) continue;
    const v = objectives(p);
    if (front.some((q) => dominates(objectives(q), v))) continue;
    front = [...front.filter((q) => !dominates(v, objectives(q))), p];
    hv.add(normalised(p));
    events.push({
      type: 'front',
      ids: front.map((q) => q.id).sort((a, b) => a - b),
      hypervolume: +hv.value().toFixed(5),
      evaluated,
    });
  }
  events.push({ type: 'run-finished', reason: 'done', time: iso(end + 2_000) });
  return events;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function objectives(p: Planned): number[] {
  return [p.candidate.error ?? 1, p.costed.ram, p.costed.flash, p.costed.macs];
}

function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if ((a[i] as number) > (b[i] as number)) return false;
    if ((a[i] as number) < (b[i] as number)) better = true;
  }
  return better;
}

function normalised(p: Planned): number[] {
  return [
    (p.candidate.error ?? 1) / 0.1,
    p.costed.ram / RAM_LIMIT,
    p.costed.flash / FLASH_LIMIT,
    p.costed.macs / MACS_LIMIT,
  ];
}

/** Fraction of a fixed sample of [0,1]^4 dominated by the points added so far (reference point 1). */
function hypervolumeSampler(
  r: () => number,
  n: number,
): { add(point: readonly number[]): void; value(): number } {
  const samples = Array.from({ length: n }, () => [r(), r(), r(), r()]);
  const covered = new Uint8Array(n);
  let count = 0;
  return {
    add(point) {
      samples.forEach((s, i) => {
        if (!covered[i] && point.every((v, d) => v <= (s[d] as number))) {
          covered[i] = 1;
          count++;
        }
      });
    },
    value: () => count / n,
  };
}

/** A trained, feasible candidate with unit resources and error 0.1 (`o` overrides), for tests that need one. */
export const trainedCandidate = (o: Partial<CandidateSummary> = {}): CandidateSummary => ({
  id: 1,
  origin: 'random',
  status: 'trained',
  resources: { ram: 1, arena: 1, flash: 1, macs: 1, latency: 1 },
  error: 0.1,
  feasible: true,
  violations: [],
  model: '',
  layers: [],
  ...o,
});
