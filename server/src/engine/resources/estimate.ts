import type { ArchGraph, OpKind, Origin } from '../arch/graph.js';
import type { Board } from '../boards/catalogue.js';
import { boardBudget, findBoard } from '../boards/lookup.js';
import { type Convention, type ConventionName, resolveConvention } from './conventions.js';
import { CORES, type CoreId, type CoreModel } from './cores.js';
import { modelFlashOverhead, nodeFlash } from './flash.js';
import { cyclesToMs, nodeCycles } from './latency.js';
import { nodeMacs } from './macs.js';
import { buildMemoryGraph, type MemoryGraph } from './memory-graph.js';
import { optimalOrder } from './peak-ram.js';
import { type KernelLibrary, resolveKernels, scratchRequests } from './kernel-scratch.js';
import { tflmArena } from './tflm-arena.js';
import { TFLM_TAIL_HOST64, tflmTail } from './tflm-tail.js';
import { residentAt, simulateOrder } from './working-set.js';

/**
 * One entry for every resource figure of a graph: peak RAM (RAM-optimal order, with the file
 * order beside it), the TFLM arena, flash, MACs and latency, in totals and per node. The result is
 * plain JSON (the shape `unas estimate --json` prints; docs/resources.md documents it).
 */
export interface EstimateOptions {
  /** `tflm` (default) or `unas`, or a convention object with custom constants. */
  readonly convention?: ConventionName | Convention;
  /** Count the network input in the working set (overrides the convention's default). */
  readonly includeInput?: boolean;
  /** Board id / alias or board: supplies core, clock and budgets. */
  readonly board?: string | Board;
  /** Core and clock, overriding the board's. */
  readonly core?: CoreId;
  readonly clockHz?: number;
  /** TFLM kernel library (decides the scratch buffers); default by core (kernel-scratch.ts). */
  readonly kernels?: KernelLibrary;
  /** Operator order for the arena: the RAM-optimal one (default), the file order, or node ids. */
  readonly order?: 'optimal' | 'file' | readonly number[];
  /** Search-state budget of the exact peak-RAM search. */
  readonly maxStates?: number;
}

export interface LayerEstimate {
  readonly node: number;
  readonly name: string;
  readonly op: OpKind;
  readonly shape: readonly number[];
  readonly origin: Origin | null;
  /** The node whose tensor this one shares when it runs no operator (dropout, a free flatten); else null. */
  readonly aliasOf: number | null;
  /** Bytes of the node's output tensor. */
  readonly outputBytes: number;
  /** Working set at this operator's step in the RAM-optimal order; null for the input and aliases. */
  readonly ram: number | null;
  /** The same in the file order. */
  readonly ramFileOrder: number | null;
  readonly flash: number;
  readonly params: number;
  readonly macs: number;
  readonly cycles: number | null;
}

export interface ArenaTotals {
  readonly order: 'optimal' | 'file' | 'custom';
  /** Planned activation buffers (fragmentation and 16 B alignment included). */
  readonly tensors: number;
  /** Extra bytes the kernels' scratch buffers add to the plan. */
  readonly scratch: number;
  /** Estimated persistent tail (runtime structs, kernel data). */
  readonly tail: number;
  /** tensors + scratch + tail: the arena size to declare. */
  readonly total: number;
  /**
   * The same model on a 64-bit host (a PC, where users try it first): reference kernels' scratch
   * (no CMSIS-NN there) and the tail with TFLM's pointers twice as wide (tflm-tail.ts).
   */
  readonly host64: { readonly scratch: number; readonly tail: number; readonly total: number };
}

export interface EstimateTotals {
  /** Peak RAM of the RAM-optimal order (an upper bound when `exact` is false). */
  readonly peakRam: number;
  readonly exact: boolean;
  readonly peakRamLowerBound: number;
  readonly peakRamFileOrder: number;
  readonly arena: ArenaTotals;
  readonly flash: number;
  /** Of `flash`: the model-wide part (flatbuffer root tables, input tensor, operator codes). */
  readonly flashModelOverhead: number;
  readonly params: number;
  readonly macs: number;
  readonly cycles: number | null;
  readonly latencyMs: number | null;
}

export interface Estimate {
  readonly convention: ConventionName;
  readonly includeInput: boolean;
  readonly target: {
    readonly board: string | null;
    readonly core: CoreId | null;
    readonly clockHz: number | null;
    /** The kernel library the arena's scratch buffers were counted for. */
    readonly kernels: KernelLibrary;
  };
  readonly totals: EstimateTotals;
  readonly layers: readonly LayerEstimate[];
  /** Node ids of the operators in the RAM-optimal order. */
  readonly order: readonly number[];
  /** The operator at whose step the peak occurs. */
  readonly peakNode: number | null;
  /** The tensors resident at the peak (their bytes sum to `peakRam`). */
  readonly peakTensors: readonly { readonly node: number; readonly name: string; readonly bytes: number }[];
  /** Present with a board: what the model may use and whether it fits. */
  readonly budget: {
    readonly ram: number;
    readonly flash: number;
    readonly ramFits: boolean;
    readonly flashFits: boolean;
  } | null;
  readonly warnings: readonly string[];
}

export function estimate(graph: ArchGraph, options: EstimateOptions = {}): Estimate {
  const warnings: string[] = [];
  const conv = resolveConvention(
    options.convention,
    options.includeInput === undefined ? undefined : { includeInput: options.includeInput },
  );
  const board = typeof options.board === 'string' ? findBoard(options.board) : options.board;
  if (typeof options.board === 'string' && !board) warnings.push(`unknown board '${options.board}'`);
  const coreId = options.core ?? board?.core;
  const core: CoreModel | undefined = coreId ? CORES[coreId] : undefined;
  const clockHz = options.clockHz ?? board?.clockHz;

  const mg = buildMemoryGraph(graph, conv);
  const best = optimalOrder(mg, options.maxStates === undefined ? {} : { maxStates: options.maxStates });
  const fileOrder = identityOrder(mg.n);
  const sameAsFile = best.order.every((t, p) => t === p + 1);
  const file = sameAsFile ? best : simulateOrder(mg, fileOrder);

  // Arena and tail: always TFLM semantics (input counted, flatten copies, no in-place add).
  const tflmLike = conv.includeInput && conv.flatten === 'copy' && !conv.inPlaceAdd;
  const arenaConv: Convention = tflmLike
    ? conv
    : { ...conv, includeInput: true, flatten: 'copy', inPlaceAdd: false };
  const tflmMg = tflmLike ? mg : buildMemoryGraph(graph, arenaConv);
  let arenaKind: ArenaTotals['order'] = 'optimal';
  let nodeOrder: ArrayLike<number> = nodeIds(mg, best.order);
  if (options.order === 'file') {
    arenaKind = 'file';
    nodeOrder = nodeIds(mg, fileOrder);
  } else if (Array.isArray(options.order)) {
    // An order of the convention's operators, or of TFLM's (a file's order lists its RESHAPEs).
    const problem = checkOrder(mg, options.order) && checkOrder(tflmMg, options.order);
    if (problem) {
      warnings.push(`order ignored: ${problem}`);
      arenaKind = 'file';
      nodeOrder = nodeIds(mg, fileOrder);
    } else {
      arenaKind = 'custom';
      nodeOrder = options.order;
    }
  }
  // The default arena order is the tflm model's RAM-optimal one — the order the exporter writes —
  // whatever convention the RAM figures use.
  const arenaOrder =
    tflmMg === mg && arenaKind !== 'custom'
      ? arenaKind === 'file'
        ? fileOrder
        : best.order
      : arenaKind === 'optimal'
        ? optimalOrder(tflmMg, options.maxStates === undefined ? {} : { maxStates: options.maxStates }).order
        : expandOrder(tflmMg, nodeOrder);
  const kernels = resolveKernels(core, options.kernels);
  const scratch: (readonly number[])[] = new Array<readonly number[]>(tflmMg.n).fill([]);
  for (let t = 1; t < tflmMg.n; t++) scratch[t] = scratchRequests(graph, tflmMg.node[t]!, kernels);
  const twoStep: number[] = new Array<number>(tflmMg.n).fill(0);
  for (let t = 1; t < tflmMg.n; t++)
    twoStep[t] = graph.nodes[tflmMg.node[t]!]!.op.kind === 'batchnorm' ? 1 : 0;
  const arena = tflmArena(tflmMg, arenaOrder, scratch, twoStep);
  const tail = tflmTail(graph, arenaConv).bytes;
  let hostWithScratch = arena.withScratch;
  if (kernels.library !== 'reference') {
    const reference = { library: 'reference', dsp: false } as const;
    const hostScratch = scratch.map((_, t) =>
      t > 0 ? scratchRequests(graph, tflmMg.node[t]!, reference) : [],
    );
    // Planned again only when a request differs (most chains: no scratch either way).
    const same = hostScratch.every(
      (r, t) => r.length === scratch[t]!.length && r.every((b, k) => b === scratch[t]![k]),
    );
    if (!same) hostWithScratch = tflmArena(tflmMg, arenaOrder, hostScratch, twoStep).withScratch;
  }
  const hostTail = tflmTail(graph, arenaConv, TFLM_TAIL_HOST64).bytes;

  // Per node.
  const posBest: number[] = new Array<number>(mg.n).fill(-1);
  for (let p = 0; p < best.order.length; p++) posBest[best.order[p]!] = p;
  const layers: LayerEstimate[] = [];
  let flash = 0;
  let params = 0;
  let macs = 0;
  let cycles = 0;
  for (const node of graph.nodes) {
    const t = mg.tensorOf[node.id]!;
    const owns = mg.node[t] === node.id;
    const f = nodeFlash(graph, node, conv);
    const m = nodeMacs(graph, node.id);
    const c = core
      ? nodeCycles(graph, node, m, core, node.id > 0 && tflmMg.node[tflmMg.tensorOf[node.id]!] === node.id)
      : null;
    flash += f.bytes;
    params += f.params;
    macs += m;
    if (c !== null) cycles += c;
    const step = owns && node.id > 0 ? posBest[t]! : -1;
    layers.push({
      node: node.id,
      name: node.name,
      op: node.op.kind,
      shape: node.shape,
      origin: node.origin ?? null,
      aliasOf: owns ? null : mg.node[t]!,
      outputBytes: mg.bytes[t]!,
      ram: step >= 0 ? best.steps[step]! : null,
      ramFileOrder: owns && node.id > 0 ? file.steps[t - 1]! : null,
      flash: f.bytes,
      params: f.params,
      macs: m,
      cycles: c,
    });
  }
  const overhead = modelFlashOverhead(graph, conv);
  flash += overhead;

  const peakTensors =
    best.peakPos >= 0
      ? residentAt(mg, best.order, best.peakPos).map((t) => ({
          node: mg.node[t]!,
          name: graph.nodes[mg.node[t]!]!.name,
          bytes: mg.size[t]!,
        }))
      : [];
  const arenaTotals: ArenaTotals = {
    order: arenaKind,
    tensors: arena.tensors,
    scratch: arena.withScratch - arena.tensors,
    tail,
    total: arena.withScratch + tail,
    host64: {
      scratch: hostWithScratch - arena.tensors,
      tail: hostTail,
      total: hostWithScratch + hostTail,
    },
  };
  const budget = board ? boardBudget(board) : null;
  return {
    convention: conv.name,
    includeInput: conv.includeInput,
    target: {
      board: board?.id ?? null,
      core: coreId ?? null,
      clockHz: clockHz ?? null,
      kernels: kernels.library,
    },
    totals: {
      peakRam: best.peak,
      exact: best.exact,
      peakRamLowerBound: best.lowerBound,
      peakRamFileOrder: file.peak,
      arena: arenaTotals,
      flash,
      flashModelOverhead: overhead,
      params,
      macs,
      cycles: core ? cycles : null,
      latencyMs: core && clockHz ? cyclesToMs(cycles, clockHz) : null,
    },
    layers,
    order: nodeIds(mg, best.order),
    peakNode: best.peakPos >= 0 ? mg.node[best.order[best.peakPos]!]! : null,
    peakTensors,
    budget: budget
      ? {
          ram: budget.ram,
          flash: budget.flash,
          // The arena is what must fit in RAM on the device; flash holds the whole flatbuffer.
          ramFits: (conv.name === 'tflm' ? arenaTotals.total : best.peak) <= budget.ram,
          flashFits: flash <= budget.flash,
        }
      : null,
    warnings,
  };
}

function identityOrder(n: number): number[] {
  const order: number[] = new Array<number>(n - 1);
  for (let p = 0; p < order.length; p++) order[p] = p + 1;
  return order;
}

function nodeIds(mg: MemoryGraph, order: ArrayLike<number>): number[] {
  const ids: number[] = new Array<number>(order.length);
  for (let p = 0; p < order.length; p++) ids[p] = mg.node[order[p]!]!;
  return ids;
}

/** Why `order` (node ids) is not a complete topological order of `mg`'s operators, or null. */
function checkOrder(mg: MemoryGraph, order: readonly number[]): string | null {
  const done: number[] = new Array<number>(mg.n).fill(0);
  done[0] = 1;
  for (const id of order) {
    const t = id >= 0 && id < mg.tensorOf.length ? mg.tensorOf[id]! : -1;
    if (t <= 0 || mg.node[t] !== id) return `node ${id} runs no operator`;
    if (done[t]) return `node ${id} appears twice`;
    for (let k = mg.inStart[t]!; k < mg.inStart[t + 1]!; k++) {
      if (!done[mg.inList[k]!]) return `node ${id} comes before its input ${mg.node[mg.inList[k]!]}`;
    }
    done[t] = 1;
  }
  return order.length === mg.n - 1 ? null : `${mg.n - 1 - order.length} operators missing`;
}

/**
 * Maps an order of node ids onto `target`'s operators: each node's tensor is emitted after any
 * not-yet-emitted operator it reads (e.g. a flatten that is free in `unas` but a copy in TFLM).
 */
function expandOrder(target: MemoryGraph, nodeOrder: ArrayLike<number>): number[] {
  const out: number[] = new Array<number>(target.n - 1);
  const emitted: number[] = new Array<number>(target.n).fill(0);
  emitted[0] = 1;
  let pos = 0;
  const emit = (t: number): void => {
    if (emitted[t]) return;
    for (let k = target.inStart[t]!; k < target.inStart[t + 1]!; k++) emit(target.inList[k]!);
    emitted[t] = 1;
    out[pos++] = t;
  };
  for (let p = 0; p < nodeOrder.length; p++) emit(target.tensorOf[nodeOrder[p]!]!);
  for (let t = 1; t < target.n; t++) emit(t);
  return out;
}
