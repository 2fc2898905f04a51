import { h } from '../dom.js';
import { kneeIds } from '../selectors.js';
import { findCandidate, RESOURCE_AXES, type PanelState, type ResourceAxis } from '../store.js';
import type { PanelDebug } from '../test-hook.js';
import type { Theme } from '../theme.js';
import { applyChartTheme } from './charts.js';
import { CandidateTable } from './candidate-table.js';
import { CompareView } from './compare.js';
import { FrontExplorer } from './front-explorer.js';
import { DetailsView } from './details.js';
import { HistoryView } from './history-chart.js';
import type { Intents } from './intents.js';
import { ParetoView } from './pareto-chart.js';
import { ProgressView } from './progress.js';

/**
 * The whole panel: progress on top, the Pareto plot and the front's progress beside the selected
 * candidate, the candidate table below. `render(state)` is idempotent; each view skips work when
 * what it reads has not changed.
 */
export class PanelView {
  readonly progress: ProgressView;
  readonly pareto: ParetoView;
  readonly history: HistoryView;
  readonly details: DetailsView;
  readonly table: CandidateTable;
  readonly explorer: FrontExplorer;
  readonly compare: CompareView;
  private readonly content: HTMLElement;
  private knees: { key: readonly unknown[]; ids: readonly number[] } = { key: [], ids: [] };
  private theme: Theme;

  constructor(root: HTMLElement, intents: Intents, theme: Theme) {
    this.theme = theme;
    applyChartTheme(theme);
    this.progress = new ProgressView();
    this.pareto = new ParetoView(intents, theme);
    this.history = new HistoryView(theme);
    this.details = new DetailsView(intents, theme);
    this.table = new CandidateTable(intents);
    this.explorer = new FrontExplorer(intents);
    this.compare = new CompareView(intents);
    this.content = h('div', { class: 'content' }, [
      h('div', { class: 'charts' }, [this.pareto.element, this.history.element]),
      this.details.element,
      this.compare.element,
      this.explorer.element,
      this.table.element,
    ]);
    root.replaceChildren(this.progress.element, this.content);
  }

  render(state: PanelState): void {
    const root = this.content.parentElement;
    root?.setAttribute('aria-busy', String(state.loading));
    // Hidden by visibility, not display: the charts keep their size while the run loads.
    this.content.classList.toggle('is-loading', state.loading && state.run.candidates.length === 0);
    this.progress.render(state);
    this.pareto.render(state);
    this.history.render(state);
    this.details.render(state);
    const knees = this.kneesOf(state);
    this.compare.render(state);
    this.explorer.render(state, knees);
    this.table.render(state, knees);
  }

  /** The front's knees, one per resource objective (memoised on the front and the run). */
  private kneesOf(state: PanelState): readonly number[] {
    const { run } = state;
    const key = [run.front, run.info, run.candidates.length];
    if (key.every((k, i) => k === this.knees.key[i])) return this.knees.ids;
    const axes = (run.info?.objectives ?? ['ram', 'flash', 'macs']).filter((m): m is ResourceAxis =>
      (RESOURCE_AXES as readonly string[]).includes(m),
    );
    const front = run.front.flatMap((id) => findCandidate(run, id) ?? []);
    this.knees = { key, ids: kneeIds(front, axes) };
    return this.knees.ids;
  }

  applyTheme(theme: Theme, state: PanelState): void {
    this.theme = theme;
    applyChartTheme(theme);
    this.pareto.applyTheme(theme);
    this.history.applyTheme(theme);
    this.details.applyTheme(theme);
    this.render(state);
  }

  debug(state: PanelState, version: number, renders: number, renderMs: number): PanelDebug {
    const t = this.theme;
    return {
      version,
      renders,
      renderMs,
      loading: state.loading,
      candidates: state.run.candidates.length,
      ...(state.ui.selected !== undefined ? { selected: state.ui.selected } : {}),
      progress: this.progress.debug(),
      pareto: this.pareto.debug(),
      history: this.history.debug(),
      table: this.table.debug(),
      details: this.details.debug(),
      explorer: this.explorer.debug(),
      compare: this.compare.debug(),
      theme: { kind: t.kind, foreground: t.foreground, blue: t.blue, red: t.red, green: t.green },
    };
  }
}
