import { createHash } from 'node:crypto';
import type { ArchGraph } from './engine/arch/graph.js';
import type { SearchSpace } from './engine/arch/space.js';
import type { Board } from './engine/boards/catalogue.js';
import { boardBudget, boardNames, findBoard, listBoards } from './engine/boards/lookup.js';
import { analyze, type Analysis } from './engine/language/analyze.js';
import { MAX_ESTIMATED_NODES } from './engine/arch/size-limits.js';
import {
  estimate,
  spaceBounds,
  type Estimate,
  type EstimateOptions,
  type SpaceBounds,
} from './engine/resources/index.js';

/**
 * The one factory that builds the engine for every host: the language server (stdio or IPC), the
 * CLI, tests and benchmarks. Dependencies are plain objects built by factories (as Langium's
 * `inject`): a test or a host overrides one leaf — the clock, the timers, the board catalogue —
 * and everything that uses it sees the override. No module-level mutable state.
 */
export interface UnasServices {
  readonly language: LanguageService;
  readonly boards: BoardCatalogue;
  readonly resources: ResourceService;
  readonly timers: Timers;
  readonly clock: Clock;
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
   * Least / most peak RAM, flash and MACs over a search space; undefined when not computable.
   * Tens of ms for large inputs: with `peek`, only a memoised result is returned (never computed).
   */
  spaceBounds(space: SearchSpace, peek?: boolean): SpaceBounds | undefined;
  /** How many space bounds have been computed so far (so a host can tell that new figures exist). */
  readonly boundsComputed: number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Clock {
  now(): number;
}

/** A module: one factory per service, each given the finished container (so leaves can depend on each other). */
export type Module<T> = { readonly [K in keyof T]: (services: T) => T[K] };

export const defaultModule: Module<UnasServices> = {
  language: (s) => {
    const boards = { find: (id: string) => s.boards.find(id), ids: () => s.boards.names() };
    return { analyze: (text) => analyze(text, { boards }) };
  },
  boards: () => ({ find: findBoard, list: listBoards, names: boardNames, budget: boardBudget }),
  resources: () => memoisedResources(),
  timers: () => ({
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  }),
  clock: () => ({ now: () => performance.now() }),
};

/** Builds the services; `overrides` replace single factories of the default module. */
export function createServices(overrides: Partial<Module<UnasServices>> = {}): UnasServices {
  const module: Module<UnasServices> = { ...defaultModule, ...overrides };
  const built = new Map<keyof UnasServices, unknown>();
  const building = new Set<keyof UnasServices>();
  const services = {} as UnasServices;
  for (const key of Object.keys(module) as (keyof UnasServices)[]) {
    Object.defineProperty(services, key, {
      enumerable: true,
      get() {
        if (built.has(key)) return built.get(key);
        if (building.has(key)) throw new Error(`service '${key}' depends on itself`);
        building.add(key);
        const value = (module[key] as (s: UnasServices) => unknown)(services);
        building.delete(key);
        built.set(key, value);
        return value;
      },
    });
  }
  return services;
}

/** A bounded map that forgets the least recently used entry. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}

/** Cache keys as digests: the structures can be large, and 640 of them stay in memory. */
const digest = (key: string): string => createHash('sha1').update(key).digest('base64');

function memoisedResources(): ResourceService {
  const estimates = new Lru<Estimate | null>(512);
  const bounds = new Lru<SpaceBounds | null>(128);
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
        } catch {
          hit = null;
        }
        estimates.set(key, hit);
      }
      return hit ?? undefined;
    },
    spaceBounds(space, peek = false) {
      const key = digest(JSON.stringify(space));
      let hit = bounds.get(key);
      if (hit === undefined && !peek) {
        try {
          hit = spaceBounds(space);
        } catch {
          hit = null;
        }
        bounds.set(key, hit);
        computed++;
      }
      return hit ?? undefined;
    },
  };
}
