import type { ChartDataset, TooltipItem } from 'chart.js';
import type { CandidateSummary, ConstraintSummary } from '../../../protocol/src/run-events.js';
import { h, setText, show, showSelected, singleSelect } from '../dom.js';
import { formatMetric, formatRoundPercent, METRIC_LABELS } from '../format.js';
import { kneeOf, staircase, type XY } from '../selectors.js';
import { RESOURCE_AXES, findCandidate, type PanelState, type ResourceAxis } from '../store.js';
import { PARETO_KINDS, type ParetoDebug, type ParetoKind } from '../test-hook.js';
import { withAlpha } from '../color.js';
import type { Theme } from '../theme.js';
import { Chart, themedScale } from './charts.js';
import { linePixels, type ConstraintLine } from './constraint-lines.js';
import type { Intents } from './intents.js';

export interface PlotPoint extends XY {
  /** Not trained (over a hard limit): drawn along the top edge. */
  readonly untrained?: boolean;
}

type ParetoChart = Chart<'scatter', PlotPoint[]>;

/**
 * Validation error against a chosen resource. Feasible candidates, infeasible ones (distinct marker;
 * never trained, so drawn along the top edge), the engine's front highlighted and its (x, error)
 * trade-off joined by a step line, the selection ringed, and the run's limits as lines.
 */
export class ParetoView {
  readonly element: HTMLElement;
  private readonly select: HTMLElement & { value: string };
  private readonly canvas: HTMLCanvasElement;
  private readonly empty: HTMLElement;
  private readonly chart: ParetoChart;
  private run: PanelState['run'] | undefined;
  private axis: ResourceAxis = 'ram';
  private lines: ConstraintLine[] = [];
  private memo: readonly unknown[] = [];
  private theme: Theme;

  constructor(
    private readonly intents: Intents,
    theme: Theme,
  ) {
    this.theme = theme;
    this.select = singleSelect(
      'Resource axis',
      'axis-select',
      RESOURCE_AXES.map((a) => [a, METRIC_LABELS[a]] as const),
    );
    this.select.addEventListener('change', () => {
      const axis = this.select.value as ResourceAxis;
      if ((RESOURCE_AXES as readonly string[]).includes(axis)) this.intents.setAxis(axis);
    });
    this.canvas = h('canvas', {
      attrs: {
        role: 'img',
        'aria-label': 'Validation error against the chosen resource, one point per candidate',
      },
    });
    this.empty = h('p', { class: 'empty-hint', text: 'No trained candidates yet.' });
    this.element = h('section', { class: 'card pareto', attrs: { 'aria-labelledby': 'pareto-title' } }, [
      h('header', { class: 'card-head' }, [
        h('h2', { text: 'Pareto front', attrs: { id: 'pareto-title' } }),
        h('label', { class: 'axis-label' }, [h('span', { text: 'Resource' }), this.select]),
      ]),
      h('div', { class: 'chart-box chart-box-tall' }, [this.canvas]),
      this.empty,
      h('p', {
        class: 'caption',
        text: 'Infeasible candidates are never trained: they sit on the top edge at their resource value. Click a point to see the candidate.',
      }),
    ]);
    this.chart = new Chart(this.canvas, {
      type: 'scatter',
      data: { datasets: PARETO_KINDS.map((kind) => ({ label: kind, data: [] as PlotPoint[] })) },
      options: {
        parsing: false,
        layout: { padding: { top: 8, right: 8 } },
        interaction: { mode: 'nearest', intersect: true },
        onClick: (_event, elements) => {
          const hit =
            elements.find(
              (e) => kindOf(e.datasetIndex) !== 'step' && kindOf(e.datasetIndex) !== 'selected',
            ) ?? elements.find((e) => kindOf(e.datasetIndex) === 'selected');
          const point = hit && this.chart.data.datasets[hit.datasetIndex]?.data[hit.index];
          if (point) this.intents.select(point.id, 'plot');
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target)
            target.style.cursor = elements.some((e) => kindOf(e.datasetIndex) !== 'step')
              ? 'pointer'
              : 'default';
        },
        plugins: {
          legend: {
            position: 'bottom',
            labels: { usePointStyle: true, boxHeight: 8, filter: (item) => item.text !== '' },
          },
          tooltip: {
            filter: (item) =>
              kindOf(item.datasetIndex) !== 'step' &&
              kindOf(item.datasetIndex) !== 'selected' &&
              kindOf(item.datasetIndex) !== 'knee',
            callbacks: {
              title: (items) => items.map((i) => this.title(i)).slice(0, 1),
              label: (item) => this.tooltip(item),
            },
          },
          constraintLines: { lines: [], color: theme.red },
        },
      },
    });
    this.applyTheme(theme);
  }

  render(state: PanelState): void {
    const { run, ui } = state;
    this.showAxis(ui.axis);
    const memo = [
      run.candidates.items,
      run.candidates.length,
      run.front,
      run.info,
      ui.axis,
      ui.selected,
      this.theme,
    ];
    if (memo.length === this.memo.length && memo.every((m, i) => m === this.memo[i])) return;
    this.memo = memo;

    const axis = ui.axis;
    this.axis = axis;
    const log = run.candidates;
    const frontSet = new Set(run.front);
    const feasible: PlotPoint[] = [];
    const infeasible: PlotPoint[] = [];
    const front: PlotPoint[] = [];
    const untrained: CandidateSummary[] = [];
    let maxError = 0;
    let maxX = 0;
    for (let i = 0; i < log.length; i++) {
      const c = log.items[i] as CandidateSummary;
      if (c.error === undefined) {
        // Rejected before training: plotted on the top edge. Failed trainings have no point at all
        // (they are listed in the table with their reason).
        if (!c.feasible && c.status !== 'failed') untrained.push(c);
        continue;
      }
      const p: PlotPoint = { x: c.resources[axis], y: c.error, id: c.id };
      if (c.error > maxError) maxError = c.error;
      if (p.x > maxX) maxX = p.x;
      if (!c.feasible) infeasible.push(p);
      else if (frontSet.has(c.id)) front.push(p);
      else feasible.push(p);
    }
    this.run = run;

    const constraints = run.info?.constraints ?? [];
    const xLimit = constraints.find((c) => c.metric === axis);
    const yLimit = constraints.find((c) => c.metric === 'error');
    // Both ranges are set here, from the trained points and the limits: untrained candidates (often
    // far over a limit) sit on the top edge, at the right edge when beyond the range.
    const yMax = niceCeil(Math.max(maxError, yLimit?.limit ?? 0, 0.01) * 1.08);
    if (maxX === 0) for (const c of untrained) maxX = Math.max(maxX, c.resources[axis]);
    const x = axisRange(axis, Math.max(maxX, xLimit ? xLimit.limit * 1.05 : 0) * 1.04);
    const edge = (v: number) => Math.min(v, x.max);
    for (const c of untrained)
      infeasible.push({ x: edge(c.resources[axis]), y: yMax, id: c.id, untrained: true });
    const step = staircase(front);
    const kneeId = kneeOf(step);
    const knee = step.filter((p) => p.id === kneeId);
    const sel = findCandidate(run, ui.selected);
    const selected: PlotPoint[] = [];
    if (sel?.error !== undefined) selected.push({ x: sel.resources[axis], y: sel.error, id: sel.id });
    else if (sel && !sel.feasible && sel.status !== 'failed')
      selected.push({ x: edge(sel.resources[axis]), y: yMax, id: sel.id, untrained: true });

    const data: Record<ParetoKind, PlotPoint[]> = { feasible, infeasible, front, step, knee, selected };
    PARETO_KINDS.forEach((kind, i) => {
      const ds = this.chart.data.datasets[i];
      if (ds) ds.data = data[kind];
    });
    this.lines = [...(xLimit ? [line('x', xLimit)] : []), ...(yLimit ? [line('y', yLimit)] : [])];
    const opts = this.chart.options;
    if (opts.plugins?.constraintLines)
      opts.plugins.constraintLines = { lines: this.lines, color: this.theme.red };
    const scales = opts.scales as { x: Record<string, unknown>; y: Record<string, unknown> };
    scales.x.max = x.max;
    scales.x.title = { display: true, text: METRIC_LABELS[axis], color: this.theme.foreground };
    scales.x.ticks = {
      color: this.theme.muted,
      stepSize: x.step,
      callback: (v: number | string) => formatMetric(axis, Number(v)),
    };
    scales.y.max = yMax;
    this.chart.update('none');
    const plotted = feasible.length + infeasible.length + front.length;
    show(this.empty, plotted === 0);
    setText(this.canvas, `${plotted} candidates plotted, ${front.length} on the front`);
  }

  private showAxis(axis: ResourceAxis): void {
    showSelected(this.select, axis);
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    const t = theme;
    const styles: Record<
      ParetoKind,
      Partial<ChartDataset<'scatter', PlotPoint[]>> & Record<string, unknown>
    > = {
      feasible: {
        label: 'Feasible',
        backgroundColor: withAlpha(t.blue, 0.45),
        borderColor: withAlpha(t.blue, 0.8),
        borderWidth: 1,
        pointRadius: 3,
        pointHoverRadius: 5,
        order: 4,
      },
      infeasible: {
        label: 'Infeasible',
        pointStyle: 'crossRot',
        borderColor: t.red,
        backgroundColor: t.red,
        borderWidth: 1.5,
        pointRadius: 4.5,
        pointHoverRadius: 6,
        order: 3,
        clip: false,
      },
      front: {
        label: 'Front',
        backgroundColor: t.green,
        borderColor: t.foreground,
        borderWidth: 1,
        pointRadius: 5,
        pointHoverRadius: 7,
        order: 1,
      },
      step: {
        label: '',
        showLine: true,
        stepped: 'after',
        borderColor: withAlpha(t.green, 0.9),
        backgroundColor: 'transparent',
        borderWidth: 2,
        pointRadius: 0,
        pointHoverRadius: 0,
        pointHitRadius: 0,
        order: 2,
      },
      knee: {
        label: 'Knee',
        pointStyle: 'rectRot',
        backgroundColor: t.yellow,
        borderColor: t.foreground,
        borderWidth: 1.5,
        pointRadius: 7,
        pointHoverRadius: 8,
        order: 0.5,
      },
      selected: {
        label: '',
        backgroundColor: 'transparent',
        borderColor: t.foreground,
        borderWidth: 2.5,
        pointRadius: 9,
        pointHoverRadius: 9,
        pointHitRadius: 0,
        order: 0,
        clip: false,
      },
    };
    PARETO_KINDS.forEach((kind, i) => {
      const ds = this.chart.data.datasets[i];
      if (ds) Object.assign(ds, styles[kind]);
    });
    const axis = themedScale(theme);
    this.chart.options.scales = {
      x: { type: 'linear', min: 0, ...axis, title: { display: true, text: '', color: theme.foreground } },
      y: {
        type: 'linear',
        min: 0,
        ...axis,
        title: { display: true, text: 'Validation error', color: theme.foreground },
        ticks: { color: theme.muted, callback: (v) => formatRoundPercent(Number(v)) },
      },
    };
    this.memo = [];
  }

  /** For the test hook: what is plotted, read back from the chart. */
  debug(): ParetoDebug {
    const count = (i: number) => this.chart.data.datasets[i]?.data.length ?? 0;
    const ids = (i: number) => (this.chart.data.datasets[i]?.data ?? []).map((p) => p.id);
    const pixels = linePixels(this.chart as unknown as Chart, this.lines);
    const { x, y } = this.chart.scales;
    return {
      axis: this.axis,
      datasets: Object.fromEntries(PARETO_KINDS.map((k, i) => [k, count(i)])) as Record<ParetoKind, number>,
      front: ids(PARETO_KINDS.indexOf('front')).sort((a, b) => a - b),
      step: ids(PARETO_KINDS.indexOf('step')),
      ...(count(PARETO_KINDS.indexOf('knee')) ? { knee: ids(PARETO_KINDS.indexOf('knee'))[0]! } : {}),
      constraints: this.lines.map((l, i) => ({
        axis: l.axis,
        value: l.value,
        ...(pixels[i] !== undefined ? { pixel: pixels[i] } : {}),
      })),
      scales: { x: [x?.min ?? 0, x?.max ?? 0], y: [y?.min ?? 0, y?.max ?? 0] },
      tooltip: (this.chart.tooltip?.getActiveElements() ?? []).flatMap((e) => {
        const p = this.chart.data.datasets[e.datasetIndex]?.data[e.index];
        return p ? [p.id] : [];
      }),
      area: {
        left: this.chart.chartArea.left,
        right: this.chart.chartArea.right,
        top: this.chart.chartArea.top,
        bottom: this.chart.chartArea.bottom,
      },
    };
  }

  /** Page coordinates of a candidate's point (CSS pixels), for tests that click it. */
  pointPosition(id: number): { x: number; y: number } | undefined {
    for (let d = 0; d < PARETO_KINDS.length; d++) {
      if (PARETO_KINDS[d] === 'step' || PARETO_KINDS[d] === 'selected' || PARETO_KINDS[d] === 'knee')
        continue;
      const i = this.chart.data.datasets[d]?.data.findIndex((p) => p.id === id) ?? -1;
      if (i < 0) continue;
      const el = this.chart.getDatasetMeta(d).data[i];
      if (!el) return undefined;
      const rect = this.canvas.getBoundingClientRect();
      return { x: rect.left + el.x, y: rect.top + el.y };
    }
    return undefined;
  }

  private title(item: TooltipItem<'scatter'>): string {
    const p = item.raw as PlotPoint;
    const c = this.run && findCandidate(this.run, p.id);
    return c ? `#${c.id} · ${c.origin}${c.parent !== undefined ? ` of #${c.parent}` : ''}` : `#${p.id}`;
  }

  private tooltip(item: TooltipItem<'scatter'>): string[] {
    const p = item.raw as PlotPoint;
    const c = this.run && findCandidate(this.run, p.id);
    if (!c) return [];
    const r = c.resources;
    const lines = [
      c.error !== undefined ? `error ${formatMetric('error', c.error)}` : 'not trained',
      `ram ${formatMetric('ram', r.ram)} · arena ${formatMetric('arena', r.arena)}`,
      `flash ${formatMetric('flash', r.flash)} · macs ${formatMetric('macs', r.macs)}`,
      `latency ${formatMetric('latency', r.latency)}`,
    ];
    for (const v of c.violations) lines.push(`✗ ${v}`);
    return lines;
  }
}

function kindOf(datasetIndex: number): ParetoKind | undefined {
  return PARETO_KINDS[datasetIndex];
}

function line(axis: 'x' | 'y', c: ConstraintSummary): ConstraintLine {
  const limit = c.metric === 'error' ? formatRoundPercent(c.limit) : formatMetric(c.metric, c.limit);
  return { axis, value: c.limit, label: `${c.metric} ≤ ${limit}`, hard: c.mode !== 'soft' };
}

/** Axis maximum and tick step: sizes in powers of two of 256 B (so ticks read 2 KB, 4 KB, …), others decimal. */
export function axisRange(axis: ResourceAxis, max: number): { max: number; step: number } {
  const top = Math.max(max, Number.MIN_VALUE);
  let step: number;
  if (axis === 'ram' || axis === 'arena' || axis === 'flash') {
    step = 256;
    while (top / step > 8) step *= 2;
  } else {
    step = niceCeil(top / 8);
  }
  return { max: Math.ceil(top / step) * step, step };
}

/** A round upper bound for an axis: 1, 2, 2.5, 5 × 10^k. */
export function niceCeil(x: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x - 1e-12) return m * p;
  return 10 * p;
}
