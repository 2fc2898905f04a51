import type { WorkspaceConfiguration } from 'vscode';

/** Every `unas.*` setting, typed once; which changes need the language server restarted. */
export interface UnasSettings {
  readonly backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** 0 = one per core. */
  readonly workers: number;
  /** Relative to the workspace folder. */
  readonly runsFolder: string;
  readonly inlayHints: boolean;
  /** Redis URL of a training queue (`unas worker`s train the candidates); empty = local processes. */
  readonly queue: string;
}

export const SETTINGS_SECTION = 'unas';

/** Settings read by the server: a change restarts nothing, it is pushed (workspace/configuration). */
export const SERVER_SETTINGS: readonly string[] = ['unas.inlayHints.enabled', 'unas.diagnostics.delayMs'];

export function readSettings(c: Pick<WorkspaceConfiguration, 'get'>): UnasSettings {
  const backend = c.get<string>('training.backend', 'auto');
  const workers = c.get<number>('training.workers', 0);
  return {
    backend: backend === 'tensorflow' || backend === 'wasm' || backend === 'cpu' ? backend : 'auto',
    workers: Number.isInteger(workers) && workers >= 0 ? workers : 0,
    runsFolder: c.get<string>('runsFolder', '.unas/runs') || '.unas/runs',
    inlayHints: c.get<boolean>('inlayHints.enabled', true),
    queue: (c.get<string>('training.queue', '') ?? '').trim(),
  };
}
