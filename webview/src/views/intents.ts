import type { CandidateFilter, ResourceAxis, SortKey } from '../store.js';

/** What the views can ask for; main.ts turns each into reducer actions and/or messages to the host. */
export interface Intents {
  select(id: number | undefined, from: 'plot' | 'table' | 'details'): void;
  setAxis(axis: ResourceAxis): void;
  sortBy(key: SortKey): void;
  setPage(page: number): void;
  setFilter(filter: CandidateFilter): void;
  /** Pins a candidate to compare with the selected one (undefined: unpins). */
  compare(id: number | undefined): void;
  openAsModel(id: number): void;
  exportModel(id: number, format: 'tflite' | 'c' | 'tfjs'): void;
  /** `warm`: fine-tune the weights kept for it (the search's or a re-training's), not random ones. */
  retrain(id: number, epochs: number, warm: boolean): void;
}
