/**
 * Every `unas.*` setting, typed once (package.json contributes them; docs/editors.md lists them).
 * Each reader takes untrusted input: anything malformed falls back to the default.
 */

/** The name of the configuration section. */
export const SETTINGS_SECTION = 'unas';

export type TrainingBackendSetting = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** What the extension host reads (a search it starts, the runs view): a change applies to the next search. */
export interface ClientSettings {
  readonly backend: TrainingBackendSetting;
  /** 0 = one per core. */
  readonly workers: number;
  /** Relative to the workspace folder. */
  readonly runsFolder: string;
  readonly inlayHints: boolean;
  /** Redis URL of a training queue (`unas worker`s train the candidates); empty = local processes. */
  readonly queue: string;
}

/** The client's settings from a configuration reader (`vscode.workspace.getConfiguration('unas')`). */
export function readClientSettings(c: { get<T>(key: string, fallback: T): T }): ClientSettings {
  const backend = c.get<unknown>('training.backend', 'auto');
  const workers = c.get<unknown>('training.workers', 0);
  const runsFolder = c.get<unknown>('runsFolder', '.unas/runs');
  const inlayHints = c.get<unknown>('inlayHints.enabled', true);
  const queue = c.get<unknown>('training.queue', '');
  return {
    backend: backend === 'tensorflow' || backend === 'wasm' || backend === 'cpu' ? backend : 'auto',
    workers: typeof workers === 'number' && Number.isInteger(workers) && workers >= 0 ? workers : 0,
    runsFolder: typeof runsFolder === 'string' && runsFolder ? runsFolder : '.unas/runs',
    inlayHints: typeof inlayHints === 'boolean' ? inlayHints : true,
    queue: typeof queue === 'string' ? queue.trim() : '',
  };
}

/**
 * The language server's settings: the `unas` section of the client's configuration (pulled with
 * workspace/configuration, or pushed in didChangeConfiguration), with initializationOptions as the
 * starting point for clients without configuration support. Input is untrusted: anything
 * malformed keeps the previous value.
 */
export interface ServerSettings {
  readonly inlayHints: { readonly enabled: boolean };
  /** Delay between the last edit and publishing diagnostics, in ms (0–2000). */
  readonly diagnostics: { readonly delayMs: number };
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  inlayHints: { enabled: true },
  diagnostics: { delayMs: 100 },
};

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Reads `path` (dotted) from nested objects or from a flat `{ "a.b": v }` object. */
function pick(raw: Obj, path: string): unknown {
  if (path in raw) return raw[path];
  let cur: unknown = raw;
  for (const k of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Settings from an untrusted object (`{ inlayHints: { enabled } }`, `{ "inlayHints.enabled": … }`, or `{ unas: … }`). */
export function readServerSettings(
  raw: unknown,
  base: ServerSettings = DEFAULT_SERVER_SETTINGS,
): ServerSettings {
  if (!isObj(raw)) return base;
  const src = isObj(raw['unas']) ? raw['unas'] : raw;
  const enabled = pick(src, 'inlayHints.enabled');
  const delay = pick(src, 'diagnostics.delayMs');
  return {
    inlayHints: { enabled: typeof enabled === 'boolean' ? enabled : base.inlayHints.enabled },
    diagnostics: {
      delayMs:
        typeof delay === 'number' && Number.isFinite(delay)
          ? Math.min(2000, Math.max(0, Math.round(delay)))
          : base.diagnostics.delayMs,
    },
  };
}
