/**
 * The server's settings: the `unas` section of the client's configuration (pulled with
 * workspace/configuration, or pushed in didChangeConfiguration), with initializationOptions as the
 * starting point for clients without configuration support. Input is untrusted: anything
 * malformed keeps the previous value.
 */
export interface UnasSettings {
  readonly inlayHints: { readonly enabled: boolean };
  /** Delay between the last edit and publishing diagnostics, in ms (0–2000). */
  readonly diagnostics: { readonly delayMs: number };
}

export const DEFAULT_SETTINGS: UnasSettings = {
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
export function readSettings(raw: unknown, base: UnasSettings = DEFAULT_SETTINGS): UnasSettings {
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
