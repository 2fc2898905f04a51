import type { PanelToHost } from '../../protocol/src/panel-messages.js';
import type { SavedState } from './store.js';

/** The part of the webview API the panel uses, typed with the panel's messages and saved state. */
export interface VsCodeApi {
  postMessage(message: PanelToHost): void;
  /** Whatever was saved last — untrusted shape, see `restoreUi`. */
  getState(): unknown;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** `acquireVsCodeApi` may be called once per page; outside a webview, a stand-in that keeps state in memory. */
export function vscodeApi(): VsCodeApi {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi();
  let saved: unknown;
  return {
    postMessage: (m) => console.debug('[panel → host]', m),
    getState: () => saved,
    setState: (s) => void (saved = s),
  };
}
