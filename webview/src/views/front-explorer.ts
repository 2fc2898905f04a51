import type { CandidateSummary, Metric } from '../../../protocol/src/run-events.js';
import { h, setText, show } from '../dom.js';
import { formatMetric, METRIC_LABELS } from '../format.js';
import { objectiveValue, parallelCoordinates, passesFilter } from '../selectors.js';
import { findCandidate, type PanelState } from '../store.js';
import type { ExplorerDebug } from '../test-hook.js';
import type { Intents } from './intents.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 220;
const TOP = 28;
const BOTTOM = 24;
const SIDE = 56;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number>>,
  text?: string,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Choosing from a large front: parallel coordinates over every objective of the run — one axis per
 * objective (best at the bottom), one line per front member that passes the table's filter — with
 * the knees, the selection and the pinned candidate drawn on top. Click a line to select it.
 */
export class FrontExplorer {
  readonly element: HTMLElement;
  private readonly plot: SVGSVGElement;
  private readonly box: HTMLElement;
  private readonly empty: HTMLElement;
  private memo: readonly unknown[] = [];
  private shown: ExplorerDebug = { axes: [], lines: [], knees: [] };

  constructor(private readonly intents: Intents) {
    this.plot = svg('svg', {
      viewBox: `0 0 ${W} ${H}`,
      class: 'parallel',
      role: 'img',
      'aria-label': 'Front members across all objectives',
    });
    this.box = h('div', { class: 'parallel-box' }, [this.plot]);
    this.empty = h('p', { class: 'empty-hint', text: 'No front members to show.' });
    this.element = h('section', { class: 'card explorer', attrs: { 'aria-labelledby': 'explorer-title' } }, [
      h('header', { class: 'card-head' }, [
        h('h2', { text: 'Front explorer', attrs: { id: 'explorer-title' } }),
      ]),
      this.box,
      this.empty,
      h('p', {
        class: 'caption',
        text: 'Each line is a front member, each axis an objective, best at the bottom. Knees (highlighted; ◆ in the table) are where more resources stop buying much accuracy. Click a line to see the candidate.',
      }),
    ]);
    this.plot.addEventListener('click', (e) => {
      const id = Number((e.target as Element).getAttribute('data-id') ?? NaN);
      if (Number.isInteger(id)) this.intents.select(id, 'plot');
    });
  }

  render(state: PanelState, knees: readonly number[]): void {
    const { run, ui } = state;
    const memo = [run.front, run.candidates.length, run.info, ui.filter, ui.selected, ui.compare, knees];
    if (memo.every((m, i) => m === this.memo[i])) return;
    this.memo = memo;
    const objectives: readonly Metric[] = run.info?.objectives ?? ['error', 'ram', 'flash', 'macs'];
    const members = run.front.flatMap((id) => {
      const c = findCandidate(run, id);
      return c && passesFilter(c, ui.filter) ? [c] : [];
    });
    const extra = [ui.selected, ui.compare].flatMap((id) => {
      const c = findCandidate(run, id);
      return c && !members.includes(c) ? [c] : [];
    });
    const pc = parallelCoordinates([...members, ...extra], objectives);
    const x = (i: number) =>
      SIDE + (objectives.length > 1 ? (i * (W - 2 * SIDE)) / (objectives.length - 1) : 0);
    const y = (v: number) => TOP + (1 - v) * (H - TOP - BOTTOM);
    const nodes: SVGElement[] = [];
    pc.ranges.forEach((r, i) => {
      nodes.push(svg('line', { x1: x(i), x2: x(i), y1: TOP, y2: H - BOTTOM, class: 'pc-axis' }));
      nodes.push(
        svg('text', { x: x(i), y: 12, class: 'pc-label', 'text-anchor': 'middle' }, METRIC_LABELS[r.metric]),
      );
      nodes.push(
        svg(
          'text',
          { x: x(i), y: TOP - 4, class: 'pc-tick', 'text-anchor': 'middle' },
          formatMetric(r.metric, r.max),
        ),
      );
      nodes.push(
        svg(
          'text',
          { x: x(i), y: H - 8, class: 'pc-tick', 'text-anchor': 'middle' },
          formatMetric(r.metric, r.min),
        ),
      );
    });
    const rank = (c: CandidateSummary) =>
      c.id === ui.selected ? 3 : c.id === ui.compare ? 2 : knees.includes(c.id) ? 1 : 0;
    const byId = new Map([...members, ...extra].map((c) => [c.id, c]));
    const lines = [...pc.lines].sort((a, b) => rank(byId.get(a.id)!) - rank(byId.get(b.id)!));
    for (const l of lines) {
      const c = byId.get(l.id)!;
      const cls = ['pc-line'];
      if (knees.includes(l.id)) cls.push('pc-knee');
      if (l.id === ui.compare) cls.push('pc-compare');
      if (l.id === ui.selected) cls.push('pc-selected');
      if (!run.front.includes(l.id)) cls.push('pc-extra');
      const line = svg('polyline', {
        points: l.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
        class: cls.join(' '),
        'data-id': l.id,
      });
      const values = objectives.map((m) => `${m} ${formatMetric(m, objectiveValue(c, m)!)}`);
      line.append(svg('title', {}, `#${c.id}${knees.includes(c.id) ? ' (knee)' : ''}: ${values.join(', ')}`));
      nodes.push(line);
    }
    this.plot.replaceChildren(...nodes);
    show(this.box, pc.lines.length > 0);
    show(this.empty, pc.lines.length === 0);
    setText(
      this.empty,
      run.front.length ? 'No front member passes the filter.' : 'No front members to show.',
    );
    this.shown = {
      axes: objectives.slice(),
      lines: lines.map((l) => l.id),
      knees: lines.filter((l) => knees.includes(l.id)).map((l) => l.id),
    };
  }

  debug(): ExplorerDebug {
    return this.shown;
  }
}
