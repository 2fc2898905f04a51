import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import { button, h, setAttrs, setText, show, showSelected, singleSelect } from '../dom.js';
import { formatBytes, formatCount, formatMs, formatPercent } from '../format.js';
import { sortedOrder } from '../selectors.js';
import {
  CANDIDATE_FILTERS,
  PAGE_SIZE,
  type CandidateFilter,
  type PanelState,
  type Sort,
  type SortKey,
} from '../store.js';
import type { Intents } from './intents.js';
import type { TableDebug } from '../test-hook.js';

const COLUMNS: readonly { readonly key: SortKey; readonly label: string; readonly numeric: boolean }[] = [
  { key: 'id', label: '#', numeric: true },
  { key: 'status', label: 'Status', numeric: false },
  { key: 'error', label: 'Error', numeric: true },
  { key: 'ram', label: 'RAM', numeric: true },
  { key: 'flash', label: 'Flash', numeric: true },
  { key: 'macs', label: 'MACs', numeric: true },
  { key: 'latency', label: 'Latency', numeric: true },
  { key: 'feasible', label: 'Feasible', numeric: false },
];

const FILTER_LABELS: Readonly<Record<CandidateFilter, string>> = {
  all: 'All candidates',
  feasible: 'Feasible',
  full: 'Full fidelity',
  final: 'Final-trained',
};

function cellText(c: CandidateSummary, key: SortKey, knee: boolean): string {
  switch (key) {
    case 'id':
      return knee ? `◆ ${c.id}` : String(c.id);
    case 'status':
      return c.status;
    case 'error':
      return c.error === undefined ? '—' : formatPercent(c.error);
    case 'ram':
    case 'flash':
      return formatBytes(c.resources[key]);
    case 'macs':
      return formatCount(c.resources.macs);
    case 'latency':
      return formatMs(c.resources.latency);
    case 'feasible':
      return c.feasible ? 'yes' : 'no';
  }
}

/**
 * The candidates, sorted by a column and paged: at most PAGE_SIZE rows exist in the DOM whatever
 * the size of the run (a fixed pool of rows, refilled on change).
 */
export class CandidateTable {
  readonly element: HTMLElement;
  private readonly headers: HTMLTableCellElement[];
  private readonly marks: HTMLElement[];
  private readonly rows: HTMLTableRowElement[] = [];
  private readonly count: HTMLElement;
  private readonly pageLabel: HTMLElement;
  private readonly prev: HTMLElement;
  private readonly next: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly filter: HTMLElement & { value: string };
  private orderMemo:
    { items: unknown; length: number; sort: Sort; filter: unknown; order: number[] } | undefined;
  private memo: readonly unknown[] = [];
  private page = 0;
  private pages = 1;

  constructor(private readonly intents: Intents) {
    this.marks = COLUMNS.map(() => h('span', { class: 'sort-mark', attrs: { 'aria-hidden': 'true' } }));
    this.headers = COLUMNS.map((col, i) =>
      h('th', { class: col.numeric ? 'num' : '', attrs: { scope: 'col', 'aria-sort': 'none' } }, [
        h(
          'button',
          {
            class: 'sort-button',
            attrs: { type: 'button', 'data-key': col.key, title: `Sort by ${col.label}` },
          },
          [col.label, this.marks[i] as HTMLElement],
        ),
      ]),
    );
    const tbody = h('tbody');
    for (let r = 0; r < PAGE_SIZE; r++) {
      const row = h(
        'tr',
        { attrs: { tabindex: 0, hidden: true } },
        COLUMNS.map((col) => h('td', { class: col.numeric ? 'num' : '' })),
      );
      this.rows.push(row);
      tbody.append(row);
    }
    const table = h('table', { class: 'candidates', attrs: { 'aria-labelledby': 'candidates-title' } }, [
      h('thead', {}, [h('tr', {}, this.headers)]),
      tbody,
    ]);
    this.count = h('vscode-badge', { attrs: { variant: 'counter' }, text: '0' });
    this.filter = singleSelect(
      'Show',
      'filter-select',
      CANDIDATE_FILTERS.map((f) => [f, FILTER_LABELS[f]] as const),
    );
    this.filter.addEventListener('change', () => {
      const f = this.filter.value as CandidateFilter;
      if ((CANDIDATE_FILTERS as readonly string[]).includes(f)) this.intents.setFilter(f);
    });
    this.pageLabel = h('span', { class: 'page-label', attrs: { 'aria-live': 'polite' } });
    this.prev = button('Previous', { icon: 'chevron-left', secondary: true, class: 'page-prev' });
    this.next = button('Next', { icon: 'chevron-right', secondary: true, class: 'page-next' });
    this.empty = h('p', { class: 'empty-hint', text: 'No finished candidates yet.' });
    this.element = h(
      'section',
      { class: 'card table-card', attrs: { 'aria-labelledby': 'candidates-title' } },
      [
        h('header', { class: 'card-head' }, [
          h('h2', { text: 'Candidates', attrs: { id: 'candidates-title' } }),
          this.count,
          h('label', { class: 'axis-label' }, [h('span', { text: 'Show' }), this.filter]),
        ]),
        h('div', { class: 'table-scroll' }, [table]),
        this.empty,
        h('footer', { class: 'pager' }, [this.prev, this.pageLabel, this.next]),
      ],
    );

    table.querySelector('thead')?.addEventListener('click', (e) => {
      const key = (e.target as Element).closest('button')?.getAttribute('data-key');
      if (key) this.intents.sortBy(key as SortKey);
    });
    const rowId = (e: Event) => Number((e.target as Element).closest('tr')?.getAttribute('data-id') ?? NaN);
    tbody.addEventListener('click', (e) => {
      const id = rowId(e);
      if (Number.isInteger(id)) this.intents.select(id, 'table');
    });
    tbody.addEventListener('keydown', (e) => {
      const row = (e.target as Element).closest('tr');
      if (!row) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        const id = rowId(e);
        if (Number.isInteger(id)) this.intents.select(id, 'table');
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const sibling = e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
        if (sibling instanceof HTMLElement && !sibling.hidden) sibling.focus();
      }
    });
    this.prev.addEventListener('click', () => this.page > 0 && this.intents.setPage(this.page - 1));
    this.next.addEventListener(
      'click',
      () => this.page < this.pages - 1 && this.intents.setPage(this.page + 1),
    );
  }

  /** Table order for this state (memoised: recomputed when candidates or the sort change). */
  order(state: PanelState): number[] {
    const log = state.run.candidates;
    const sort = state.ui.sort;
    const filter = state.ui.filter;
    const m = this.orderMemo;
    if (m && m.items === log.items && m.length === log.length && m.sort === sort && m.filter === filter)
      return m.order;
    const order = sortedOrder(log, sort, filter);
    this.orderMemo = { items: log.items, length: log.length, sort, filter, order };
    return order;
  }

  /** The page that shows candidate `id` in the current order, if it is in the run. */
  pageOf(state: PanelState, id: number): number | undefined {
    const at = state.run.candidates.index.get(id);
    if (at === undefined || at >= state.run.candidates.length) return undefined;
    const pos = this.order(state).indexOf(at);
    return pos < 0 ? undefined : Math.floor(pos / PAGE_SIZE);
  }

  render(state: PanelState, knees: readonly number[] = []): void {
    const { run, ui } = state;
    const order = this.order(state);
    const memo = [order, ui.page, ui.selected, ui.sort, knees];
    if (memo.every((m, i) => m === this.memo[i])) return;
    this.memo = memo;

    const n = order.length;
    this.pages = Math.max(1, Math.ceil(n / PAGE_SIZE));
    this.page = Math.min(ui.page, this.pages - 1);
    const filter = ui.filter ?? 'all';
    showSelected(this.filter, filter);
    const start = this.page * PAGE_SIZE;
    COLUMNS.forEach((col, i) => {
      const active = ui.sort.key === col.key;
      this.headers[i]?.setAttribute(
        'aria-sort',
        active ? (ui.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none',
      );
      setText(this.marks[i] as HTMLElement, active ? (ui.sort.dir === 'asc' ? ' ▲' : ' ▼') : '');
    });
    for (let r = 0; r < PAGE_SIZE; r++) {
      const row = this.rows[r] as HTMLTableRowElement;
      const at = order[start + r];
      if (at === undefined) {
        if (!row.hidden) row.hidden = true;
        continue;
      }
      const c = run.candidates.items[at] as CandidateSummary;
      row.hidden = false;
      const selected = c.id === ui.selected;
      const knee = knees.includes(c.id);
      setAttrs(row, {
        'data-id': c.id,
        'aria-selected': selected ? 'true' : 'false',
        class: `${selected ? 'selected ' : ''}status-${c.status}${c.feasible ? '' : ' infeasible'}${knee ? ' knee' : ''}`,
        title: knee
          ? 'A knee of the front: where trading more resources stops buying much accuracy'
          : undefined,
      });
      COLUMNS.forEach((col, i) => setText(row.cells[i] as HTMLTableCellElement, cellText(c, col.key, knee)));
    }
    setText(this.count, filter === 'all' ? String(n) : `${n} of ${run.candidates.length}`);
    setText(
      this.pageLabel,
      n === 0
        ? ''
        : `Page ${this.page + 1} of ${this.pages} · ${start + 1}–${Math.min(n, start + PAGE_SIZE)} of ${n}`,
    );
    setAttrs(this.prev, { disabled: this.page === 0 });
    setAttrs(this.next, { disabled: this.page >= this.pages - 1 });
    show(this.empty, n === 0);
    setText(
      this.empty,
      run.candidates.length && n === 0
        ? `No ${FILTER_LABELS[filter].toLowerCase()} candidates yet.`
        : 'No finished candidates yet.',
    );
  }

  debug(): TableDebug {
    const visible = this.rows.filter((r) => !r.hidden);
    return {
      rows: visible.length,
      domRows: this.element.querySelectorAll('tr').length,
      ids: visible.map((r) => Number(r.getAttribute('data-id'))),
      page: this.page,
      pages: this.pages,
      sort: (this.memo[3] as Sort | undefined) ?? { key: 'id', dir: 'asc' },
      knees: visible
        .filter((r) => r.classList.contains('knee'))
        .map((r) => Number(r.getAttribute('data-id'))),
    };
  }
}
