/**
 * Seeded random architectures for the property tests: small random DAGs (for brute force) and a
 * sampler of the μNAS search space that follows the lowering documented in space-bounds.ts
 * (kernels and pools clipped to the map, pre-pool skipped on 1×1, branch blocks tied up by
 * max-pooling to the smallest map and adding).
 */
import { conv1x1, type ArchGraph, type Pair, type Shape } from '../../server/src/engine/arch/graph.js';
import { GraphBuilder } from '../../server/src/engine/arch/builder.js';
import type { SearchSpace, Weighted } from '../../server/src/engine/arch/space.js';
import { MUNAS_SPACE } from '../../server/src/engine/config/resolve-search.js';

export { mulberry32, type Rng } from '../../server/src/engine/rng/seeded-rng.js';
import type { Rng } from '../../server/src/engine/rng/seeded-rng.js';

const between = (rng: Rng, min: number, max: number): number => min + rng.int(max - min + 1);
function draw<T>(rng: Rng, xs: readonly Weighted<T>[]): T {
  let r = rng.next();
  for (const x of xs) {
    r -= x.weight;
    if (r < 0) return x.value;
  }
  return xs[xs.length - 1]!.value;
}

/**
 * A random DAG on 4×4 maps: 1×1 convs, adds of equal-shape tensors and identity-sized pools read
 * random earlier nodes; every unread tensor is concatenated at the end so the graph has one output.
 */
export function randomDag(rng: Rng, ops: number): ArchGraph {
  const b = new GraphBuilder([4, 4, 1 + rng.int(3)]);
  for (let i = 0; i < ops; i++) {
    const pick = (): number => rng.int(b.last + 1);
    const r = rng.next();
    if (r < 0.3 && b.last >= 1) {
      const x = pick();
      const same: number[] = [];
      for (let j = 0; j <= b.last; j++)
        if (j !== x && b.shapeOf(j).join() === b.shapeOf(x).join()) same.push(j);
      if (same.length) {
        b.add({ kind: 'add' }, [x, same[rng.int(same.length)]!]);
        continue;
      }
    }
    if (r < 0.45) {
      b.add({ kind: 'pool', type: 'max', size: [1, 1], stride: [1, 1], padding: 'valid' }, [pick()]);
      continue;
    }
    b.add(
      {
        kind: 'conv2d',
        filters: 1 + rng.int(6),
        kernel: [1, 1],
        stride: [1, 1],
        padding: 'valid',
        activation: 'relu',
        batchnorm: false,
      },
      [pick()],
    );
  }
  const read = new Set(b.build().nodes.flatMap((n) => n.inputs));
  const open = b
    .build()
    .nodes.filter((n) => !read.has(n.id))
    .map((n) => n.id);
  if (open.length > 1) b.add({ kind: 'concat' }, open);
  return b.build();
}

/** Every topological order of the operators of a graph small enough to enumerate. */
export function* topologicalOrders(inputs: readonly (readonly number[])[]): Generator<number[]> {
  const n = inputs.length;
  const done = new Array<boolean>(n).fill(false);
  done[0] = true;
  const order: number[] = [];
  function* go(): Generator<number[]> {
    if (order.length === n - 1) {
      yield order.slice();
      return;
    }
    for (let v = 1; v < n; v++) {
      if (done[v] || !inputs[v]!.every((i) => done[i])) continue;
      done[v] = true;
      order.push(v);
      yield* go();
      order.pop();
      done[v] = false;
    }
  }
  yield* go();
}

/** A μNAS-like space (CIFAR-style unless overridden): μNAS's layers, smaller, without branches. */
export function muNasSpace(over: Partial<SearchSpace> = {}): SearchSpace {
  return {
    ...MUNAS_SPACE,
    input: [32, 32, 3],
    classes: 10,
    blocks: { min: 1, max: 4 },
    layer: { ...MUNAS_SPACE.layer, channels: { min: 1, max: 32 } },
    branch: 0,
    pool: [
      { value: null, weight: 0.1 },
      { value: { type: 'avg', size: 2 }, weight: 0.3 },
      { value: { type: 'max', size: 4 }, weight: 0.3 },
      { value: { type: 'avg', size: 6 }, weight: 0.3 },
    ],
    dense: { min: 1, max: 2 },
    units: { min: 10, max: 64 },
    dropout: 0.1,
    ...over,
  };
}

/** Samples an architecture of `space` (ranges inclusive at both ends). */
export function sampleArch(space: SearchSpace, rng: Rng): ArchGraph {
  const b = new GraphBuilder(space.input);
  const at = (id: number): Shape => b.shapeOf(id);
  const must = (id: number | undefined): number => {
    if (id === undefined) throw new Error(b.errors.map((e) => e.message).join('; '));
    return id;
  };
  const layer = (x: number, forced?: number): number => {
    const L = space.layer;
    if (rng.next() < L.prepool.probability) {
      const [h, wd] = at(x) as [number, number, number];
      if (h > 1 || wd > 1) {
        const p: Pair = [Math.min(L.prepool.size, h), Math.min(L.prepool.size, wd)];
        x = must(b.add({ kind: 'pool', type: 'max', size: p, stride: p, padding: 'valid' }, [x]));
      }
    }
    const [h, wd] = at(x) as [number, number, number];
    const type = draw(rng, L.types);
    const k = type === 'conv1x1' ? 1 : Math.min(draw(rng, L.kernels), h, wd);
    const s = type === 'conv1x1' ? 1 : draw(rng, L.strides);
    const padding = draw(rng, L.padding);
    const activation = rng.next() < L.relu ? ('relu' as const) : ('none' as const);
    if (type === 'dwconv2d') {
      x = must(
        b.add(
          {
            kind: 'dwconv2d',
            kernel: [k, k],
            stride: [s, s],
            padding,
            multiplier: 1,
            activation,
            batchnorm: false,
          },
          [x],
        ),
      );
      if (forced !== undefined) x = must(b.add(conv1x1(forced), [x]));
      return x;
    }
    const filters = forced ?? between(rng, L.channels.min, L.channels.max);
    return must(
      b.add(
        { kind: 'conv2d', filters, kernel: [k, k], stride: [s, s], padding, activation, batchnorm: false },
        [x],
      ),
    );
  };
  const tie = (xs: number[]): number => {
    if (xs.length === 1) return xs[0]!;
    const th = Math.min(...xs.map((x) => at(x)[0]!));
    const tw = Math.min(...xs.map((x) => at(x)[1]!));
    const pooled = xs.map((x) => {
      const [h, wd] = at(x) as [number, number, number];
      if (h === th && wd === tw) return x;
      const sh = Math.floor(h / th);
      const sw = Math.floor(wd / tw);
      return must(
        b.add(
          {
            kind: 'pool',
            type: 'max',
            size: [h - (th - 1) * sh, wd - (tw - 1) * sw],
            stride: [sh, sw],
            padding: 'valid',
          },
          [x],
        ),
      );
    });
    return must(b.add({ kind: 'add' }, pooled));
  };
  const blocks = between(rng, space.blocks.min, space.blocks.max);
  let xs = [0];
  let li = 0;
  for (let i = 0; i < blocks; i++) {
    const layers = between(rng, space.layers.min, space.layers.max);
    if (i > 0 && rng.next() < space.branch) {
      const channels = at(xs[0]!)[2]!;
      let x = li;
      for (let j = 0; j < layers; j++) x = layer(x, j === layers - 1 ? channels : undefined);
      xs.push(x);
    } else {
      let x = tie(xs);
      li = x;
      for (let j = 0; j < layers; j++) x = layer(x);
      xs = [x];
    }
  }
  let x = tie(xs);
  const pool = draw(rng, space.pool);
  if (pool) {
    const [h, wd] = at(x) as [number, number, number];
    const p: Pair = [Math.min(pool.size, h), Math.min(pool.size, wd)];
    x = must(b.add({ kind: 'pool', type: pool.type, size: p, stride: p, padding: 'valid' }, [x]));
  }
  x = must(b.add({ kind: 'flatten' }, [x]));
  const dense = between(rng, space.dense.min, space.dense.max);
  for (let i = 0; i < dense; i++) {
    if (space.dropout > 0) x = must(b.add({ kind: 'dropout', rate: space.dropout }, [x]));
    x = must(
      b.add(
        {
          kind: 'dense',
          units: between(rng, space.units.min, space.units.max),
          activation: 'relu',
          batchnorm: false,
        },
        [x],
      ),
    );
  }
  must(
    b.add(
      { kind: 'dense', units: space.classes === 2 ? 1 : space.classes, activation: 'none', batchnorm: false },
      [x],
    ),
  );
  return b.build();
}
