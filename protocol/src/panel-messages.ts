import type { RunEvent } from './run-events.js';

/** Extension host → search panel. */
export type HostToPanel =
  /** Replaces the panel's state: a run opened, or the panel (re)loaded. `loading` shows a spinner first. */
  | { readonly type: 'reset'; readonly run: string; readonly loading: boolean }
  /** Events in order; the panel folds them into its state incrementally. */
  | { readonly type: 'events'; readonly events: readonly RunEvent[] };

/** What a candidate can be exported as (`unas export --format`). */
export type ExportFormat = 'tflite' | 'c' | 'tfjs';

/** Search panel → extension host. Validated on arrival: the webview is untrusted. */
export type PanelToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'select'; readonly id: number }
  | { readonly type: 'open-as-model'; readonly id: number }
  | { readonly type: 'export'; readonly id: number; readonly format: ExportFormat }
  /** `warm`: fine-tune the weights kept for it (`unas retrain --warm`); the validator reads absent as false. */
  | { readonly type: 'retrain'; readonly id: number; readonly epochs: number; readonly warm: boolean };
