import type { HostToPanel } from '../../protocol/src/panel-messages.js';
import type {
  CandidateSummary,
  ConstraintSummary,
  Metric,
  RunEvent,
  WorkerSummary,
} from '../../protocol/src/run-events.js';
import {
  append,
  emptyKeyedLog,
  emptyLog,
  last,
  lookup,
  upsert,
  type AppendLog,
  type KeyedLog,
} from './append-log.js';

/**
 * The panel's state and the one reducer that folds host messages and user choices into it.
 * Pure: `reduce(state, action)` returns a new state and never touches the DOM. Folding an event is
 * O(1) amortised (append logs, small arrays for the front and the training slots), so a run of
 * thousands of candidates streams in linear time.
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

/** The user's choices: all that `vscode.setState` keeps (the host re-sends the events). */
export interface UiState {
  /** The run these choices belong to; a reset to another run drops the selection and page. */
  readonly run?: string;
  readonly selected?: number;
  readonly axis: ResourceAxis;
  readonly sort: Sort;
  readonly page: number;
}

export interface RunInfo {
  readonly run: string;
  readonly search: string;
  readonly budget: number;
  readonly objectives: readonly Metric[];
  readonly constraints: readonly ConstraintSummary[];
  readonly backend: string;
  readonly workers: number;
  /** Start of the run, ms since the epoch. */
  readonly started: number;
  readonly resumed: boolean;
}

/** A candidate being trained now. */
export interface TrainingSlot {
  readonly id: number;
  readonly worker: number;
  readonly started: number;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss?: number;
  readonly accuracy?: number;
}

/** A point of a series over evaluations (the number of finished candidates). */
export interface SeriesPoint {
  readonly evaluated: number;
  readonly value: number;
}

export interface LogLine {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

export interface StatusCounts {
  readonly trained: number;
  readonly failed: number;
  readonly rejected: number;
  readonly feasible: number;
  readonly infeasible: number;
}

export interface RunState {
  readonly info?: RunInfo;
  /** Finished candidates in the order they finished. */
  readonly candidates: KeyedLog<CandidateSummary>;
  readonly counts: StatusCounts;
  readonly training: readonly TrainingSlot[];
  /** The current Pareto front (as the engine reports it) and its hypervolume. */
  readonly front: readonly number[];
  readonly hypervolume: AppendLog<SeriesPoint>;
  /** Best validation accuracy of a feasible candidate: one point per improvement. */
  readonly bestAccuracy: AppendLog<SeriesPoint>;
  /** Time of the latest finished candidate, ms since the epoch. */
  readonly lastFinished?: number;
  readonly finished?: {
    readonly reason: 'done' | 'stopped' | 'failed';
    readonly message?: string;
    readonly time: number;
  };
  /** The latest warnings and errors (a few). */
  readonly logs: readonly LogLine[];
  /** Workers on the search's queue (`unas search --queue`), as last reported. */
  readonly workers?: readonly WorkerSummary[];
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
  | { readonly type: 'ui/page'; readonly page: number };

export type PanelAction = HostToPanel | UiAction;

export const PAGE_SIZE = 50;
const MAX_LOGS = 20;

export const DEFAULT_UI: UiState = { axis: 'ram', sort: { key: 'id', dir: 'asc' }, page: 0 };

export function emptyRun(): RunState {
  return {
    candidates: emptyKeyedLog(),
    counts: { trained: 0, failed: 0, rejected: 0, feasible: 0, infeasible: 0 },
    training: [],
    front: [],
    hypervolume: emptyLog(),
    bestAccuracy: emptyLog(),
    logs: [],
  };
}

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
  };
}

export const candidateId = (c: CandidateSummary): number => c.id;

export function findCandidate(run: RunState, id: number | undefined): CandidateSummary | undefined {
  return id === undefined ? undefined : lookup(run.candidates, id, candidateId);
}

export function reduce(state: PanelState, action: PanelAction): PanelState {
  switch (action.type) {
    case 'reset': {
      const same = state.ui.run === action.run;
      const ui: UiState = same
        ? state.ui
        : { axis: state.ui.axis, sort: state.ui.sort, page: 0, run: action.run };
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
  }
}

function withOptional<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): T {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
  return obj;
}

const time = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
};

/** Folds one event into the run: O(1) amortised, plus O(front) / O(workers) for the small arrays. */
export function foldEvent(run: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'run-started': {
      const info: RunInfo = {
        run: event.run,
        search: event.search,
        budget: event.budget,
        objectives: event.objectives,
        constraints: event.constraints,
        backend: event.backend,
        workers: event.workers,
        started: time(event.time),
        resumed: event.resumed,
      };
      // A resumed run keeps what it has seen; a run that finished and resumes is live again.
      const { finished: _finished, ...rest } = run;
      return { ...rest, info };
    }
    case 'candidate-started': {
      const slot: TrainingSlot = {
        id: event.id,
        worker: event.worker,
        started: time(event.time),
        epoch: 0,
        epochs: 0,
      };
      return { ...run, training: [...run.training.filter((s) => s.id !== event.id), slot] };
    }
    case 'epoch': {
      const i = run.training.findIndex((s) => s.id === event.id);
      if (i < 0) return run;
      const training = run.training.slice();
      training[i] = {
        ...(training[i] as TrainingSlot),
        epoch: event.epoch,
        epochs: event.epochs,
        loss: event.loss,
        accuracy: event.accuracy,
      };
      return { ...run, training };
    }
    case 'candidate-finished': {
      const c = event.candidate;
      const previous = lookup(run.candidates, c.id, candidateId);
      const candidates = upsert(run.candidates, c, candidateId);
      const counts = previous ? recount(candidates) : addCount(run.counts, c);
      const training = run.training.some((s) => s.id === c.id)
        ? run.training.filter((s) => s.id !== c.id)
        : run.training;
      let bestAccuracy = run.bestAccuracy;
      if (c.status === 'trained' && c.feasible && c.error !== undefined) {
        const best = last(bestAccuracy);
        const accuracy = 1 - c.error;
        if (!best || accuracy > best.value)
          bestAccuracy = append(bestAccuracy, { evaluated: candidates.length, value: accuracy });
      }
      return { ...run, candidates, counts, training, bestAccuracy, lastFinished: time(event.time) };
    }
    case 'front': {
      const point = { evaluated: event.evaluated, value: event.hypervolume };
      const prev = last(run.hypervolume);
      const hypervolume =
        prev && prev.evaluated === point.evaluated && prev.value === point.value
          ? run.hypervolume
          : append(run.hypervolume, point);
      return { ...run, front: event.ids.slice(), hypervolume };
    }
    case 'log':
      if (event.level === 'info') return run;
      return {
        ...run,
        logs: [...run.logs.slice(-(MAX_LOGS - 1)), { level: event.level, message: event.message }],
      };
    case 'workers':
      return { ...run, workers: event.workers };
    case 'run-finished':
      return {
        ...run,
        training: [],
        finished: {
          reason: event.reason,
          ...(event.message !== undefined ? { message: event.message } : {}),
          time: time(event.time),
        },
      };
  }
}

function addCount(counts: StatusCounts, c: CandidateSummary): StatusCounts {
  return {
    trained: counts.trained + (c.status === 'trained' ? 1 : 0),
    failed: counts.failed + (c.status === 'failed' ? 1 : 0),
    rejected: counts.rejected + (c.status === 'rejected' ? 1 : 0),
    feasible: counts.feasible + (c.feasible ? 1 : 0),
    infeasible: counts.infeasible + (c.feasible ? 0 : 1),
  };
}

function recount(log: KeyedLog<CandidateSummary>): StatusCounts {
  let counts = emptyRun().counts;
  for (let i = 0; i < log.length; i++) counts = addCount(counts, log.items[i] as CandidateSummary);
  return counts;
}
