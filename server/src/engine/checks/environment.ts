import { createHash } from 'node:crypto';
import { MAX_ESTIMATED_NODES } from '../arch/size-limits.js';
import type { ArchGraph } from '../arch/graph.js';
import type { SearchSpace } from '../arch/space.js';
import type { Board } from '../boards/catalogue.js';
import { boardBudget, boardNames, findBoard, listBoards } from '../boards/lookup.js';
import { analyze, type Analysis } from '../language/analyze.js';
import { estimate, type Estimate, type EstimateOptions } from '../resources/estimate.js';
import { spaceBounds, type SpaceBounds } from '../resources/space-bounds.js';
import type { ConventionName } from '../resources/conventions.js';

/**
 * What the checks need from their host: the board catalogue, the resource models and the
 * analysis. The language server builds it once per session (memoised across versions), the CLI
 * once per run; a test overrides one leaf.
 */
export interface CheckEnvironment {
  readonly language: LanguageService;
  readonly boards: BoardCatalogue;
  readonly resources: ResourceService;
}

export interface LanguageService {
  /** Parse, lower and validate (with the board catalogue). Never throws. */
  analyze(text: string): Analysis;
}

export interface BoardCatalogue {
  find(name: string): Board | undefined;
  list(): readonly Board[];
  /** Ids first, then aliases. */
  names(): readonly string[];
  /** What a model may use on the board (RAM in one contiguous region, flash, reserves taken off). */
  budget(board: Board): { readonly ram: number; readonly flash: number };
}

/** Resource models, memoised by structure: an edit elsewhere in a file does not recompute them. */
export interface ResourceService {
  /** Estimate of a graph; undefined when the resource model cannot handle it. */
  estimate(graph: ArchGraph, options: EstimateOptions): Estimate | undefined;
  /**
   * Least / most peak RAM, flash and MACs over a search space, as the search counts them (the
   * the given convention, default tflm; classifier ending in softmax); undefined when not computable. Tens of
   * ms for large inputs: with `peek`, only a memoised result is returned (never computed).
   */
  spaceBounds(space: SearchSpace, peek?: boolean, convention?: ConventionName): SpaceBounds | undefined;
  /** How many space bounds have been computed so far (so a host can tell that new figures exist). */
  readonly boundsComputed: number;
}

/** The board catalogue the engine ships. */
export function catalogueBoards(): BoardCatalogue {
  return { find: findBoard, list: listBoards, names: boardNames, budget: boardBudget };
}

/** The analysis with the given catalogue. */
export function languageService(boards: BoardCatalogue): LanguageService {
  const lookup = { find: (id: string) => boards.find(id), ids: () => boards.names() };
  return { analyze: (text) => analyze(text, { boards: lookup }) };
}

/** The environment of a one-shot host (the CLI): the shipped catalogue, resource models memoised for the run. */
export function defaultEnvironment(log: (message: string) => void = logToStderr): CheckEnvironment {
  const boards = catalogueBoards();
  return { boards, language: languageService(boards), resources: memoisedResources(log) };
}

function logToStderr(message: string): void {
  console.error(message);
}

/**
 * A map bounded by total weight (e.g. the layers an entry holds) that forgets the least recently
 * used entries: a few huge estimates must not stay resident after their documents are closed.
 */
class Lru<V> {
  private readonly map = new Map<string, { readonly value: V; readonly weight: number }>();
  private total = 0;
  constructor(
    private readonly capacity: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}
  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }
  set(key: string, value: V): void {
    this.delete(key);
    const weight = this.weigh(value);
    this.map.set(key, { value, weight });
    this.total += weight;
    while (this.total > this.capacity && this.map.size > 1)
      this.delete(this.map.keys().next().value as string);
  }
  private delete(key: string): void {
    const e = this.map.get(key);
    if (e === undefined) return;
    this.map.delete(key);
    this.total -= e.weight;
  }
}

/** Estimates kept, counted in layers (a few hundred bytes each): a few MB whatever the documents. */
const ESTIMATE_CACHE_LAYERS = 16_384;

/**
 * The resource models behind an LRU keyed by structure. A model that throws on some graph gives
 * no figure for it (the checks skip it) and the error is logged, once per structure.
 */
/** Cache keys as digests: the structures can be large, and hundreds of them stay in memory. */
const digest = (key: string): string => createHash('sha1').update(key).digest('base64');

export function memoisedResources(log: (message: string) => void): ResourceService {
  const estimates = new Lru<Estimate | null>(ESTIMATE_CACHE_LAYERS, (e) => 1 + (e?.layers.length ?? 0));
  const bounds = new Lru<SpaceBounds | null>(128);
  const failed = (what: string, e: unknown) =>
    log(`unas: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  let computed = 0;
  return {
    get boundsComputed() {
      return computed;
    },
    estimate(graph, options) {
      // The validator reports the skip (an information diagnostic on the model).
      if (graph.nodes.length > MAX_ESTIMATED_NODES) return undefined;
      // Origins (source offsets) are left out of the key: callers map nodes back through their own graph.
      const key = digest(JSON.stringify([graph.nodes.map((n) => [n.op, n.inputs, n.shape]), options]));
      let hit = estimates.get(key);
      if (hit === undefined) {
        try {
          hit = estimate(graph, options);
        } catch (e) {
          failed('the estimate of a model', e);
          hit = null;
        }
        estimates.set(key, hit);
      }
      return hit ?? undefined;
    },
    spaceBounds(space, peek = false, convention = 'tflm') {
      const key = digest(JSON.stringify([space, convention]));
      let hit = bounds.get(key);
      if (hit === undefined && !peek) {
        try {
          // The search's own view: deployable figures of graphs that end in a softmax (genotype.ts).
          hit = spaceBounds(space, { convention, softmax: true });
        } catch (e) {
          failed('the bounds of a search space', e);
          hit = null;
        }
        bounds.set(key, hit);
        computed++;
      }
      return hit ?? undefined;
    },
  };
}
