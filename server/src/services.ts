import {
  catalogueBoards,
  languageService,
  memoisedResources,
  type CheckEnvironment,
} from './engine/checks/environment.js';

export type { BoardCatalogue, LanguageService, ResourceService } from './engine/checks/environment.js';

/**
 * The one factory that builds the engine for every host: the language server (stdio or IPC), the
 * CLI, tests and benchmarks. Dependencies are plain objects built by factories (as Langium's
 * `inject`): a test or a host overrides one leaf — the clock, the timers, the board catalogue —
 * and everything that uses it sees the override. No module-level mutable state.
 */
export interface UnasServices extends CheckEnvironment {
  readonly timers: Timers;
  readonly clock: Clock;
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
  language: (s) => languageService(s.boards),
  boards: () => catalogueBoards(),
  // Over LSP stdio, console.error goes to the client's log (cli/lsp.ts); over IPC, to stderr.
  resources: () => memoisedResources((m) => console.error(m)),
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
