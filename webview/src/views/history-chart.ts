import { toArray, type AppendLog } from '../../../protocol/src/append-log.js';
import { h, show } from '../dom.js';
import { formatPercent, formatRoundPercent } from '../format.js';
import type { PanelState, SeriesPoint } from '../store.js';
import { withAlpha } from '../color.js';
import type { Theme } from '../theme.js';
import { Chart, themedScale } from './charts.js';
import type { HistoryDebug } from '../test-hook.js';

interface Pt {
  readonly x: number;
  readonly y: number;
}

/** Hypervolume of the front and best feasible accuracy, over the number of evaluated candidates. */
export class HistoryView {
  readonly element: HTMLElement;
  private readonly chart: Chart<'scatter', Pt[]>;
  private readonly empty: HTMLElement;
  private memo: readonly unknown[] = [];
  private theme: Theme;

  constructor(theme: Theme) {
    this.theme = theme;
    const canvas = h('canvas', {
      attrs: { role: 'img', 'aria-label': 'Hypervolume and best accuracy over evaluations' },
    });
    this.empty = h('p', { class: 'empty-hint', text: 'No front yet.' });
    this.element = h('section', { class: 'card history', attrs: { 'aria-labelledby': 'history-title' } }, [
      h('header', { class: 'card-head' }, [
        h('h2', { text: 'Progress of the front', attrs: { id: 'history-title' } }),
      ]),
      h('div', { class: 'chart-box' }, [canvas]),
      this.empty,
    ]);
    this.chart = new Chart(canvas, {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: 'Hypervolume',
            data: [],
            yAxisID: 'hv',
            showLine: true,
            stepped: 'after',
            pointRadius: 0,
            pointHitRadius: 6,
            borderWidth: 2,
          },
          {
            label: 'Best accuracy',
            data: [],
            yAxisID: 'acc',
            showLine: true,
            stepped: 'after',
            pointRadius: 0,
            pointHitRadius: 6,
            borderWidth: 2,
          },
        ],
      },
      options: {
        parsing: false,
        normalized: true, // each series is sorted by x
        interaction: { mode: 'nearest', intersect: false, axis: 'x' },
        plugins: {
          legend: { position: 'bottom', labels: { boxHeight: 2 } },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? `after ${items[0].parsed.x} evaluations` : ''),
              label: (item) =>
                item.datasetIndex === 0
                  ? `hypervolume ${item.parsed.y?.toFixed(3)}`
                  : `best accuracy ${formatPercent(item.parsed.y ?? 0)}`,
            },
          },
        },
      },
    });
    this.applyTheme(theme);
  }

  render(state: PanelState): void {
    const { run } = state;
    const memo = [run.hypervolume, run.bestAccuracy, run.candidates.length, this.theme];
    if (memo.every((m, i) => m === this.memo[i])) return;
    this.memo = memo;
    const done = run.candidates.length;
    const [hv, acc] = this.chart.data.datasets;
    if (hv) hv.data = series(run.hypervolume, done);
    if (acc) acc.data = series(run.bestAccuracy, done);
    this.chart.update('none');
    show(this.empty, run.hypervolume.length === 0 && run.bestAccuracy.length === 0);
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    const [hv, acc] = this.chart.data.datasets;
    if (hv) Object.assign(hv, { borderColor: theme.purple, backgroundColor: withAlpha(theme.purple, 0.3) });
    if (acc) Object.assign(acc, { borderColor: theme.blue, backgroundColor: withAlpha(theme.blue, 0.3) });
    const axis = themedScale(theme);
    this.chart.options.scales = {
      x: {
        type: 'linear',
        min: 0,
        ...axis,
        title: { display: true, text: 'Evaluated candidates', color: theme.foreground },
      },
      hv: {
        type: 'linear',
        position: 'left',
        min: 0,
        ...axis,
        title: { display: true, text: 'Hypervolume', color: theme.purple },
      },
      acc: {
        type: 'linear',
        position: 'right',
        ...axis,
        grid: { drawOnChartArea: false, color: axis.grid.color },
        title: { display: true, text: 'Best accuracy', color: theme.blue },
        ticks: { color: theme.muted, callback: (v) => formatRoundPercent(Number(v)) },
      },
    };
    this.memo = [];
  }

  debug(): HistoryDebug {
    const [hv, acc] = this.chart.data.datasets;
    const lastY = (d: { data: Pt[] } | undefined) => d?.data[d.data.length - 1]?.y;
    const h = lastY(hv);
    const a = lastY(acc);
    return {
      hypervolume: hv?.data.length ?? 0,
      bestAccuracy: acc?.data.length ?? 0,
      ...(h !== undefined ? { lastHypervolume: h } : {}),
      ...(a !== undefined ? { lastBestAccuracy: a } : {}),
    };
  }
}

/** A step series, carried on to the current number of evaluations. */
function series(log: AppendLog<SeriesPoint>, done: number): Pt[] {
  const points: Pt[] = toArray(log).map((p) => ({ x: p.evaluated, y: p.value }));
  const tail = points[points.length - 1];
  if (tail && tail.x < done) points.push({ x: done, y: tail.y });
  return points;
}
