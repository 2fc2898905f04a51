import type { ArchGraph } from '../arch/graph.js';
import type { SearchSpace } from '../arch/space.js';
import type { Board } from '../boards/catalogue.js';
import type { KernelLibrary } from '../resources/kernel-scratch.js';
import { DEFAULT_BOARD, resolveSpace, resolveTarget } from '../config/resolve-search.js';
import type { ModelDecl, SearchDecl, SpaceDecl } from '../language/ast.js';
import { datasetClasses, datasetInput } from '../language/datasets.js';
import type { CoreId } from '../resources/cores.js';
import type { Estimate, EstimateOptions, LayerEstimate } from '../resources/estimate.js';
import type { ConventionName } from '../resources/conventions.js';
import type { SpaceBounds } from '../resources/space-bounds.js';
import type { DocumentFacts } from './document-facts.js';

/**
 * Resource figures of what a document declares, per version: model estimates on a target, the
 * targets of searches, the bounds of search spaces. Memoised on the document's facts (and by
 * structure in the environment), so the checks, inlay hints and hovers share one computation.
 */

/** Where a model is estimated: a catalogue board, or a custom core and clock. */
export interface Target {
  /** Shown to the user: a board id, or `custom`. */
  readonly label: string;
  readonly board?: Board;
  readonly core?: CoreId;
  readonly clockHz?: number;
  /** The search target's `kernels` setting, when given. */
  readonly kernels?: KernelLibrary;
  /** The model was given no target and gets the default board. */
  readonly isDefault: boolean;
}

export interface ModelEstimate {
  readonly model: ModelDecl;
  readonly graph: ArchGraph;
  readonly estimate: Estimate;
  readonly target: Target;
  /** Estimates of the graph nodes each layer statement produced, keyed by the statement's start offset. */
  readonly byStatement: ReadonlyMap<number, readonly LayerEstimate[]>;
  /** The model lowered without errors: its totals describe the whole network. */
  readonly complete: boolean;
}

export function defaultTarget(state: DocumentFacts): Target {
  const board = state.env.boards.find(DEFAULT_BOARD);
  return { label: DEFAULT_BOARD, ...(board ? { board } : {}), isDefault: true };
}

/** The model's own target (`target BOARD` in the model), or the default board. */
export function modelTarget(state: DocumentFacts, model: ModelDecl): Target {
  const board = model.target ? state.env.boards.find(model.target.name) : undefined;
  return board ? { label: board.id, board, isDefault: false } : defaultTarget(state);
}

/** The model's estimate on `target` (default: its own target); undefined without an input or a graph. */
export function modelEstimate(
  state: DocumentFacts,
  model: ModelDecl,
  target: Target = modelTarget(state, model),
  convention: ConventionName = 'tflm',
): ModelEstimate | undefined {
  const graph = state.analysis.graphs.get(model);
  if (!graph || graph.nodes.length < 2) return undefined;
  return state.memo(
    `estimate:${model.span.start}:${target.label}:${target.core ?? ''}:${target.clockHz ?? ''}:${target.kernels ?? ''}:${convention}`,
    () => {
      const options: EstimateOptions = {
        convention,
        ...(target.board
          ? { board: target.board }
          : {
              ...(target.core ? { core: target.core } : {}),
              ...(target.clockHz ? { clockHz: target.clockHz } : {}),
            }),
        ...(target.kernels ? { kernels: target.kernels } : {}),
      };
      const estimate = state.env.resources.estimate(graph, options);
      if (!estimate || !Number.isFinite(estimate.totals.peakRam)) return undefined;
      const byStatement = new Map<number, LayerEstimate[]>();
      for (const layer of estimate.layers) {
        // Origins come from this version's graph (the estimate may be a memoised twin of another version).
        const origin = graph.nodes[layer.node]?.origin;
        if (origin?.start === undefined) continue;
        const list = byStatement.get(origin.start);
        if (list) list.push(layer);
        else byStatement.set(origin.start, [layer]);
      }
      return { model, graph, estimate, target, byStatement, complete: !state.hasErrorsIn(model.span) };
    },
  );
}

/** The node's source offset in this version (not the memoised estimate's). */
export function originOf(e: ModelEstimate, node: number): { start: number; end: number } | undefined {
  const o = e.graph.nodes[node]?.origin;
  return o?.start !== undefined ? { start: o.start, end: o.end ?? o.start } : undefined;
}

/** A hard device limit of a search: the board's RAM (bounding the TFLM arena) or flash, less the reserves. */
export interface DeviceLimit {
  readonly metric: 'arena' | 'flash';
  readonly limit: number;
  readonly capacity: number;
}

export interface SearchTarget {
  readonly target: Target;
  /** What the device leaves for the model (hard limits); empty when unknown. */
  readonly limits: readonly DeviceLimit[];
}

/** The search's target with its device limits, as the search resolves it (resolve-search.ts). */
export function searchTarget(state: DocumentFacts, search: SearchDecl): SearchTarget | undefined {
  return state.memo(`search-target:${search.span.start}`, () => {
    const t = resolveTarget(search, []);
    if (!t) return undefined;
    const board = t.board === 'custom' ? undefined : state.env.boards.find(t.board);
    const kernels = t.kernels ? { kernels: t.kernels } : {};
    const target: Target = board
      ? { label: board.id, board, ...kernels, isDefault: !search.target }
      : { label: 'custom', core: t.core, clockHz: t.clockHz, ...kernels, isDefault: false };
    return {
      target,
      limits: [
        { metric: 'arena', limit: t.ramBytes - t.ramReserve, capacity: t.ramBytes },
        { metric: 'flash', limit: t.flashBytes - t.flashReserve, capacity: t.flashBytes },
      ],
    };
  });
}

export interface SpaceEstimate {
  readonly space: SpaceDecl;
  /** The search whose dataset gave the input shape and classes. */
  readonly search: SearchDecl;
  readonly resolved: SearchSpace;
  readonly bounds: SpaceBounds;
}

/** The space a search uses (inline or by reference). */
export function spaceOf(state: DocumentFacts, search: SearchDecl): SpaceDecl | undefined {
  const s = search.space;
  if (!s) return undefined;
  return s.kind === 'space' ? s : state.analysis.document.spaces.find((x) => x.name?.name === s.ref.name);
}

/**
 * Bounds of the space of `search` over its dataset's input; undefined when the space has errors.
 * Bounds can take tens of ms: with `peek` only already computed ones are returned (inlay hints
 * peek; the debounced diagnostics compute them, then ask the client to refresh its hints).
 */
export function searchSpaceEstimate(
  state: DocumentFacts,
  search: SearchDecl,
  peek = false,
): SpaceEstimate | undefined {
  const r = state.memo(`resolved-space:${search.span.start}`, () => {
    const space = spaceOf(state, search);
    const d = search.dataset;
    if (!space || !d || state.hasErrorsIn(space.span)) return undefined;
    const input = datasetInput(d);
    const classes = datasetClasses(d) ?? 10;
    if (!input || input.length !== 3) return undefined;
    return { space, resolved: resolveSpace(space, input, classes) };
  });
  const bounds = r && state.env.resources.spaceBounds(r.resolved, peek, search.convention?.value);
  return r && bounds ? { space: r.space, search, resolved: r.resolved, bounds } : undefined;
}

/** Bounds of a space declaration, over the input of the first search that uses it. */
export function spaceDeclEstimate(
  state: DocumentFacts,
  space: SpaceDecl,
  peek = false,
): SpaceEstimate | undefined {
  for (const s of state.analysis.document.searches) {
    if (spaceOf(state, s) === space) {
      const e = searchSpaceEstimate(state, s, peek);
      if (e) return e;
    }
  }
  return undefined;
}
