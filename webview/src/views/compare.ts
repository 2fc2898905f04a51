import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import { button, h, replaceChildren, setText, show } from '../dom.js';
import { formatMetric, formatPercent, METRIC_LABELS } from '../format.js';
import { findCandidate, RESOURCE_AXES, type PanelState } from '../store.js';
import type { CompareDebug } from '../test-hook.js';
import type { Intents } from './intents.js';

interface Row {
  readonly label: string;
  readonly a: string;
  readonly b: string;
  /** Which side is better, when the row has an order (lower is better). */
  readonly better: 'a' | 'b' | '=' | '';
}

/** Lower is better; a missing value loses to any value. */
function better(a: number | undefined, b: number | undefined): Row['better'] {
  if (a === undefined && b === undefined) return '';
  if (a === undefined) return 'b';
  if (b === undefined) return 'a';
  return a < b ? 'a' : b < a ? 'b' : '=';
}

/** The rows comparing candidate `a` (the selection) with `b` (the pinned one). */
export function compareRows(a: CandidateSummary, b: CandidateSummary): Row[] {
  const pct = (x: number | undefined) => (x === undefined ? '—' : formatPercent(x));
  const rows: Row[] = [
    { label: 'Validation error', a: pct(a.error), b: pct(b.error), better: better(a.error, b.error) },
    {
      label: 'Test error',
      a: pct(a.testError),
      b: pct(b.testError),
      better: better(a.testError, b.testError),
    },
  ];
  for (const m of RESOURCE_AXES)
    rows.push({
      label: METRIC_LABELS[m],
      a: formatMetric(m, a.resources[m]),
      b: formatMetric(m, b.resources[m]),
      better: better(a.resources[m], b.resources[m]),
    });
  const fidelity = (c: CandidateSummary) =>
    c.fidelity === 'low'
      ? `cheap rung ${c.rungErrors?.length ?? 1}`
      : c.status === 'trained'
        ? 'full'
        : c.status;
  rows.push(
    { label: 'Feasible', a: a.feasible ? 'yes' : 'no', b: b.feasible ? 'yes' : 'no', better: '' },
    { label: 'Training', a: fidelity(a), b: fidelity(b), better: '' },
    { label: 'Layers', a: String(a.layers.length), b: String(b.layers.length), better: '' },
    { label: 'Origin', a: a.origin, b: b.origin, better: '' },
  );
  return rows;
}

/**
 * Two candidates side by side: the selection against a pinned one, objective by objective, the
 * better value of each row marked; their layer lists below.
 */
export class CompareView {
  readonly element: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly head: HTMLTableRowElement;
  private readonly body: HTMLTableSectionElement;
  private readonly layers: HTMLElement;
  private readonly unpin: HTMLElement;
  private memo: readonly unknown[] = [];
  private shown: CompareDebug = { ids: [], rows: [] };

  constructor(private readonly intents: Intents) {
    this.hint = h('p', { class: 'empty-hint' });
    this.head = h('tr');
    this.body = h('tbody');
    this.table = h('table', { class: 'compare-table' }, [h('thead', {}, [this.head]), this.body]);
    this.layers = h('div', { class: 'compare-layers' });
    this.unpin = button('Unpin', { icon: 'pinned', secondary: true, class: 'unpin' });
    this.unpin.addEventListener('click', () => this.intents.compare(undefined));
    this.element = h('section', { class: 'card compare', attrs: { 'aria-labelledby': 'compare-title' } }, [
      h('header', { class: 'card-head' }, [
        h('h2', { text: 'Compare', attrs: { id: 'compare-title' } }),
        this.unpin,
      ]),
      this.hint,
      h('div', { class: 'table-scroll' }, [this.table]),
      this.layers,
    ]);
  }

  render(state: PanelState): void {
    const { run, ui } = state;
    const pinned = findCandidate(run, ui.compare);
    const selected = findCandidate(run, ui.selected);
    const memo = [pinned, selected];
    if (memo.every((m, i) => m === this.memo[i])) return;
    this.memo = memo;
    show(this.element, pinned !== undefined);
    if (!pinned) {
      this.shown = { ids: [], rows: [] };
      return;
    }
    const both = selected !== undefined && selected.id !== pinned.id;
    show(this.hint, !both);
    show(this.table, both);
    show(this.layers, both);
    setText(this.hint, `#${pinned.id} is pinned: select another candidate to compare it with.`);
    if (!both) {
      this.shown = { ids: [], rows: [] };
      return;
    }
    const rows = compareRows(selected, pinned);
    replaceChildren(this.head, [
      h('th', { attrs: { scope: 'col' } }),
      h('th', { text: `#${selected.id} (selected)`, class: 'num', attrs: { scope: 'col' } }),
      h('th', { text: `#${pinned.id} (pinned)`, class: 'num', attrs: { scope: 'col' } }),
    ]);
    replaceChildren(
      this.body,
      rows.map((r) =>
        h('tr', {}, [
          h('th', { text: r.label, attrs: { scope: 'row' } }),
          h('td', { text: r.a, class: `num${r.better === 'a' ? ' better' : ''}` }),
          h('td', { text: r.b, class: `num${r.better === 'b' ? ' better' : ''}` }),
        ]),
      ),
    );
    const list = (c: CandidateSummary) =>
      h(
        'ol',
        { class: 'compare-layer-list' },
        c.layers.map((l) => h('li', { text: l.text })),
      );
    replaceChildren(this.layers, [list(selected), list(pinned)]);
    this.shown = { ids: [selected.id, pinned.id], rows: rows.map((r) => [r.label, r.a, r.b, r.better]) };
  }

  debug(): CompareDebug {
    return this.shown;
  }
}
