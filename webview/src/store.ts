import type { HostToPanel } from '../../protocol/src/panel-messages.js';
import type { Metric } from '../../protocol/src/run-events.js';
import { emptyRun, foldEvent, type RunState } from '../../protocol/src/run-state.js';

export {
  candidateId,
  emptyRun,
  findCandidate,
  foldEvent,
  type LogLine,
  type RunInfo,
  type RunState,
  type SeriesPoint,
  type StatusCounts,
  type TrainingSlot,
} from '../../protocol/src/run-state.js';

/**
 * The panel's state and the one reducer that folds host messages and user choices into it.
 * Pure: `reduce(state, action)` returns a new state and never touches the DOM. Run events go
 * through the protocol's one fold (protocol/src/run-state.ts).
 */

export type ResourceAxis = Exclude<Metric, 'error'>;
export const RESOURCE_AXES: readonly ResourceAxis[] = ['ram', 'arena', 'flash', 'macs', 'latency'];

export type SortKey = 'id' | 'status' | 'error' | 'ram' | 'flash' | 'macs' | 'latency' | 'feasible';
export const SORT_KEYS: readonly SortKey[] = [
  'id',
  'status',
  'error',
  'ram',
  'flash',
  'macs',
  'latency',
  'feasible',
];
export interface Sort {
  readonly key: SortKey;
  readonly dir: 'asc' | 'desc';
}

/** Which candidates the table and the front explorer show. */
export type CandidateFilter = 'all' | 'feasible' | 'full' | 'final';
export const CANDIDATE_FILTERS: readonly CandidateFilter[] = ['all', 'feasible', 'full', 'final'];

/** The user's choices: all that `vscode.setState` keeps (the host re-sends the events). */
export interface UiState {
  /** The run these choices belong to; a reset to another run drops the selection and page. */
  readonly run?: string;
  readonly selected?: number;
  readonly axis: ResourceAxis;
  readonly sort: Sort;
  readonly page: number;
  /** Absent = all. */
  readonly filter?: CandidateFilter;
  /** A candidate pinned to compare with the selected one. */
  readonly compare?: number;
}

export interface PanelState {
  /** Until the first events arrive (or while the host says it is loading). */
  readonly loading: boolean;
  readonly ui: UiState;
  readonly run: RunState;
}

/** User choices, folded by the same reducer as host messages. */
export type UiAction =
  | { readonly type: 'ui/select'; readonly id: number | undefined }
  | { readonly type: 'ui/axis'; readonly axis: ResourceAxis }
  | { readonly type: 'ui/sort'; readonly key: SortKey }
  | { readonly type: 'ui/page'; readonly page: number }
  | { readonly type: 'ui/filter'; readonly filter: CandidateFilter }
  | { readonly type: 'ui/compare'; readonly id: number | undefined };

export type PanelAction = HostToPanel | UiAction;

export const PAGE_SIZE = 50;

export const DEFAULT_UI: UiState = { axis: 'ram', sort: { key: 'id', dir: 'asc' }, page: 0 };

/** The state a (re)loaded panel starts from: the saved choices, if any, and no run data yet. */
export function initialState(saved?: unknown): PanelState {
  return { loading: true, ui: restoreUi(saved), run: emptyRun() };
}

/** The part of the state handed to `vscode.setState`: small and plain. */
export interface SavedState {
  readonly v: 1;
  readonly ui: UiState;
}

export function savedState(state: PanelState): SavedState {
  return { v: 1, ui: state.ui };
}

/** Reads what `getState` returned; anything unexpected (another version, tampering) falls back to defaults. */
export function restoreUi(saved: unknown): UiState {
  if (typeof saved !== 'object' || saved === null || (saved as { v?: unknown }).v !== 1) return DEFAULT_UI;
  const ui = (saved as { ui?: unknown }).ui;
  if (typeof ui !== 'object' || ui === null) return DEFAULT_UI;
  const u = ui as Record<string, unknown>;
  const sort = (typeof u.sort === 'object' && u.sort !== null ? u.sort : {}) as Record<string, unknown>;
  const int = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  return {
    ...(typeof u.run === 'string' ? { run: u.run } : {}),
    ...(int(u.selected) ? { selected: u.selected } : {}),
    axis: (RESOURCE_AXES as readonly unknown[]).includes(u.axis) ? (u.axis as ResourceAxis) : DEFAULT_UI.axis,
    sort: {
      key: (SORT_KEYS as readonly unknown[]).includes(sort.key) ? (sort.key as SortKey) : DEFAULT_UI.sort.key,
      dir: sort.dir === 'desc' ? 'desc' : 'asc',
    },
    page: int(u.page) ? u.page : 0,
    ...((CANDIDATE_FILTERS as readonly unknown[]).includes(u.filter) && u.filter !== 'all'
      ? { filter: u.filter as CandidateFilter }
      : {}),
    ...(int(u.compare) ? { compare: u.compare } : {}),
  };
}

export function reduce(state: PanelState, action: PanelAction): PanelState {
  switch (action.type) {
    case 'reset': {
      const same = state.ui.run === action.run;
      const ui: UiState = same
        ? state.ui
        : {
            axis: state.ui.axis,
            sort: state.ui.sort,
            page: 0,
            run: action.run,
            ...(state.ui.filter ? { filter: state.ui.filter } : {}),
          };
      return { loading: action.loading, ui, run: emptyRun() };
    }
    case 'events': {
      let run = state.run;
      for (const event of action.events) run = foldEvent(run, event);
      return run === state.run && !state.loading ? state : { ...state, loading: false, run };
    }
    case 'ui/select':
      if (action.id === state.ui.selected) return state;
      return { ...state, ui: withOptional({ ...state.ui }, 'selected', action.id) };
    case 'ui/axis':
      return action.axis === state.ui.axis ? state : { ...state, ui: { ...state.ui, axis: action.axis } };
    case 'ui/sort': {
      const { sort } = state.ui;
      const dir = sort.key === action.key && sort.dir === 'asc' ? 'desc' : 'asc';
      return { ...state, ui: { ...state.ui, sort: { key: action.key, dir }, page: 0 } };
    }
    case 'ui/page': {
      const page = Math.max(0, Math.floor(action.page));
      return page === state.ui.page ? state : { ...state, ui: { ...state.ui, page } };
    }
    case 'ui/filter': {
      if (action.filter === (state.ui.filter ?? 'all')) return state;
      const filter = action.filter === 'all' ? undefined : action.filter;
      return { ...state, ui: withOptional({ ...state.ui, page: 0 }, 'filter', filter) };
    }
    case 'ui/compare':
      if (action.id === state.ui.compare) return state;
      return { ...state, ui: withOptional({ ...state.ui }, 'compare', action.id) };
  }
}

function withOptional<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): T {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
  return obj;
}
