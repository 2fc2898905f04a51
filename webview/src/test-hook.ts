import type { ResourceAxis, Sort } from './store.js';

/**
 * The read-only hook the browser tests use (`window.__unasPanel`). Its types (and the plot's dataset
 * names) live here, free of DOM types, so tests compiled without the DOM library can import them.
 */
export const PARETO_KINDS = ['feasible', 'infeasible', 'front', 'step', 'knee', 'selected'] as const;
export type ParetoKind = (typeof PARETO_KINDS)[number];

export interface ParetoDebug {
  readonly axis: ResourceAxis;
  /** Points per dataset. */
  readonly datasets: Readonly<Record<ParetoKind, number>>;
  /** Ids of the highlighted front members, ascending. */
  readonly front: readonly number[];
  /** Ids joined by the step line, by increasing resource. */
  readonly step: readonly number[];
  /** The knee of the step line, if it has one. */
  readonly knee?: number;
  /** Constraint lines: the limit and where it is drawn (CSS px in the canvas; absent when off the chart). */
  readonly constraints: readonly {
    readonly axis: 'x' | 'y';
    readonly value: number;
    readonly pixel?: number;
  }[];
  readonly scales: { readonly x: readonly [number, number]; readonly y: readonly [number, number] };
  /** Ids of the points the tooltip shows now. */
  readonly tooltip: readonly number[];
  /** The plot area in CSS px of the canvas. */
  readonly area: {
    readonly left: number;
    readonly right: number;
    readonly top: number;
    readonly bottom: number;
  };
}

export interface HistoryDebug {
  readonly hypervolume: number;
  readonly bestAccuracy: number;
  readonly lastHypervolume?: number;
  readonly lastBestAccuracy?: number;
}

export interface TableDebug {
  /** Rows showing candidates. */
  readonly rows: number;
  /** All <tr> in the candidate table, header included. */
  readonly domRows: number;
  readonly ids: readonly number[];
  readonly page: number;
  readonly pages: number;
  readonly sort: Sort;
  /** Ids of the visible rows marked as knees of the front. */
  readonly knees: readonly number[];
}

export interface ExplorerDebug {
  /** Objectives, one axis each. */
  readonly axes: readonly string[];
  /** Ids drawn as lines. */
  readonly lines: readonly number[];
  readonly knees: readonly number[];
}

export interface CompareDebug {
  /** [selected, pinned] when both are shown side by side. */
  readonly ids: readonly number[];
  /** Per row: label, the two values, and which side is better (`a`, `b`, or `=`). */
  readonly rows: readonly (readonly [string, string, string, string])[];
}

export interface DetailsDebug {
  readonly id?: number;
  readonly layers: readonly string[];
  readonly curve: number;
}

export interface ProgressDebug {
  readonly loading: boolean;
  readonly text: string;
  readonly training: readonly number[];
}

export interface ThemeDebug {
  readonly kind: string;
  readonly foreground: string;
  readonly blue: string;
  readonly red: string;
  readonly green: string;
}

export interface PanelDebug {
  /** Messages folded so far, and frames rendered. */
  readonly version: number;
  readonly renders: number;
  /** How long the latest render took (ms). */
  readonly renderMs: number;
  readonly loading: boolean;
  readonly candidates: number;
  readonly selected?: number;
  readonly progress: ProgressDebug;
  readonly explorer: ExplorerDebug;
  readonly compare: CompareDebug;
  readonly pareto: ParetoDebug;
  readonly history: HistoryDebug;
  readonly table: TableDebug;
  readonly details: DetailsDebug;
  readonly theme: ThemeDebug;
}

export interface PanelTestHook {
  debug(): PanelDebug;
  /** Page coordinates (CSS px) of a candidate's point in the Pareto plot. */
  pointPosition(id: number): { x: number; y: number } | undefined;
  /** Resolves after the next render (at once if nothing is pending) with the render count. */
  rendered(): Promise<number>;
}
