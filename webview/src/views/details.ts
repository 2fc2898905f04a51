import type { CandidateSummary, LayerSummary } from '../../../protocol/src/run-events.js';
import { button, h, replaceChildren, setAttrs, setText, show } from '../dom.js';
import { formatBytes, formatCount, formatMetric, formatPercent, formatRoundPercent } from '../format.js';
import { findCandidate, type PanelState } from '../store.js';
import { withAlpha } from '../color.js';
import type { Theme } from '../theme.js';
import { Chart, themedScale } from './charts.js';
import type { Intents } from './intents.js';
import type { DetailsDebug } from '../test-hook.js';

const EXPORT_FORMATS = ['tflite', 'c', 'tfjs'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The selected candidate: its resources, its layers with per-layer RAM / flash / MACs, its
 * training curve, and the actions (open as model, export, re-train longer).
 */
export class DetailsView {
  readonly element: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly body: HTMLElement;
  private readonly title: HTMLElement;
  private readonly badges: HTMLElement;
  private readonly origin: HTMLElement;
  private readonly facts: HTMLElement;
  private readonly problems: HTMLElement;
  private readonly layers: HTMLTableSectionElement;
  private readonly curveBox: HTMLElement;
  private readonly model: HTMLElement;
  private readonly format: HTMLElement & { value: string };
  private readonly epochs: HTMLElement & { value: string };
  private readonly warm: HTMLElement & { checked: boolean };
  private readonly openButton: HTMLElement;
  private readonly exportButton: HTMLElement;
  private readonly retrainButton: HTMLElement;
  private readonly pinButton: HTMLElement;
  private readonly curve: Chart<'scatter', { x: number; y: number }[]>;
  private shown: CandidateSummary | undefined;
  /** NaN until the first render, so that it runs. */
  private shownId: number | undefined = NaN;

  constructor(
    private readonly intents: Intents,
    theme: Theme,
  ) {
    this.hint = h('p', {
      class: 'empty-hint',
      text: 'Click a point of the plot or a row of the table to see a candidate.',
    });
    this.title = h('h2', { attrs: { id: 'details-title' }, text: 'Candidate' });
    this.badges = h('span', { class: 'badges' });
    this.origin = h('p', { class: 'origin' });
    this.facts = h('dl', { class: 'facts' });
    this.problems = h('ul', { class: 'problems' });
    this.layers = h('tbody');
    const curveCanvas = h('canvas', {
      attrs: { role: 'img', 'aria-label': 'Validation accuracy per epoch' },
    });
    this.curveBox = h('div', { class: 'chart-box chart-box-small' }, [curveCanvas]);
    this.model = h('pre', { class: 'model' });
    this.openButton = button('Open as model', { icon: 'go-to-file' });
    this.format = h(
      'vscode-single-select',
      { attrs: { 'aria-label': 'Export format', class: 'format-select' } },
      EXPORT_FORMATS.map((f, i) =>
        h('vscode-option', {
          text: f === 'c' ? 'C array' : f === 'tflite' ? 'TFLite' : 'TF.js',
          attrs: { value: f, selected: i === 0 },
        }),
      ),
    ) as HTMLElement & { value: string };
    this.exportButton = button('Export', { icon: 'export', secondary: true });
    this.epochs = h('vscode-textfield', {
      attrs: { type: 'number', min: 1, max: 10000, value: 20, 'aria-label': 'Epochs', class: 'epochs-field' },
    }) as HTMLElement & { value: string };
    this.warm = h('vscode-checkbox', {
      attrs: {
        label: 'from kept weights',
        title:
          'Fine-tune the weights kept for this candidate (the search’s, or those of its last re-training) instead of starting from random weights',
        class: 'warm-checkbox',
      },
    }) as HTMLElement & { checked: boolean };
    this.retrainButton = button('Re-train longer', { icon: 'debug-restart', secondary: true });
    this.pinButton = button('Pin to compare', { icon: 'pin', secondary: true, class: 'pin' });

    const layerTable = h('table', { class: 'layers' }, [
      h('thead', {}, [
        h(
          'tr',
          {},
          ['Layer', 'Operation', 'Output', 'RAM', 'Flash', 'MACs'].map((t, i) =>
            h('th', { text: t, class: i >= 3 ? 'num' : '', attrs: { scope: 'col' } }),
          ),
        ),
      ]),
      this.layers,
    ]);
    this.body = h('div', { class: 'details-body' }, [
      this.origin,
      this.facts,
      this.problems,
      h('div', { class: 'actions' }, [
        this.openButton,
        this.pinButton,
        h('span', { class: 'action-group' }, [this.format, this.exportButton]),
        h('span', { class: 'action-group' }, [
          this.epochs,
          h('span', { class: 'unit', text: 'epochs' }),
          this.warm,
          this.retrainButton,
        ]),
      ]),
      h('h3', { text: 'Layers' }),
      h('div', { class: 'table-scroll' }, [layerTable]),
      h('h3', { text: 'Training curve' }),
      this.curveBox,
      h('details', { class: 'model-details' }, [h('summary', { text: 'Model' }), this.model]),
    ]);
    this.element = h(
      'section',
      { class: 'card details', attrs: { 'aria-labelledby': 'details-title', 'aria-live': 'polite' } },
      [h('header', { class: 'card-head' }, [this.title, this.badges]), this.hint, this.body],
    );

    this.openButton.addEventListener('click', () => this.shown && this.intents.openAsModel(this.shown.id));
    this.exportButton.addEventListener('click', () => {
      if (!this.shown || this.exportButton.hasAttribute('disabled')) return;
      const format = (EXPORT_FORMATS as readonly string[]).includes(this.format.value)
        ? (this.format.value as ExportFormat)
        : 'tflite';
      this.intents.exportModel(this.shown.id, format);
    });
    this.retrainButton.addEventListener('click', () => {
      if (!this.shown || this.retrainButton.hasAttribute('disabled')) return;
      const epochs = Math.round(Number(this.epochs.value));
      if (Number.isInteger(epochs) && epochs >= 1 && epochs <= 10000)
        this.intents.retrain(this.shown.id, epochs, this.warm.checked);
    });
    this.pinButton.addEventListener('click', () => this.shown && this.intents.compare(this.shown.id));
    this.origin.addEventListener('click', (e) => {
      const parent = (e.target as Element).closest('[data-parent]')?.getAttribute('data-parent');
      if (parent) this.intents.select(Number(parent), 'details');
    });

    this.curve = new Chart(curveCanvas, {
      type: 'scatter',
      data: {
        datasets: [
          { label: 'Validation accuracy', data: [], showLine: true, pointRadius: 3, borderWidth: 2 },
        ],
      },
      options: {
        parsing: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => `epoch ${items[0]?.parsed.x ?? ''}`,
              label: (item) => `accuracy ${formatPercent(item.parsed.y ?? 0)}`,
            },
          },
        },
      },
    });
    this.applyTheme(theme);
  }

  render(state: PanelState): void {
    const id = state.ui.selected;
    const c = findCandidate(state.run, id);
    if (c === this.shown && id === this.shownId) return;
    this.shown = c;
    this.shownId = id;
    show(this.hint, !c);
    show(this.body, !!c);
    if (!c) {
      setText(this.title, 'Candidate');
      replaceChildren(this.badges, []);
      if (id !== undefined)
        setText(
          this.hint,
          state.loading ? `Loading candidate #${id}…` : `Candidate #${id} has not finished yet.`,
        );
      else setText(this.hint, 'Click a point of the plot or a row of the table to see a candidate.');
      return;
    }
    setText(this.title, `Candidate #${c.id}`);
    replaceChildren(this.badges, [
      h('vscode-badge', { text: c.status, class: `badge-status status-${c.status}` }),
      h('vscode-badge', {
        text: c.feasible ? 'feasible' : 'infeasible',
        class: c.feasible ? 'badge-ok' : 'badge-bad',
      }),
      ...(state.run.front.includes(c.id)
        ? [h('vscode-badge', { text: 'on the front', class: 'badge-front' })]
        : []),
      ...(c.fidelity === 'low' ? [h('vscode-badge', { text: 'cheap rung only', class: 'badge-low' })] : []),
      ...(c.inheritedFrom !== undefined
        ? [h('vscode-badge', { text: `inherited from #${c.inheritedFrom}`, class: 'badge-inherited' })]
        : []),
    ]);
    replaceChildren(
      this.origin,
      c.parent !== undefined
        ? [
            `${c.origin} of `,
            h('a', {
              text: `#${c.parent}`,
              attrs: { href: '#', 'data-parent': c.parent, title: `Show candidate #${c.parent}` },
            }),
          ]
        : [c.origin],
    );
    const facts: [string, string][] = [];
    if (c.error !== undefined) facts.push(['Validation error', formatPercent(c.error)]);
    // Measured after re-training on the whole training set (the search's own training may be cheaper).
    if (c.finalError !== undefined)
      facts.push(['Validation error (full training)', formatPercent(c.finalError)]);
    if (c.testError !== undefined) facts.push(['Test error (full training)', formatPercent(c.testError)]);
    for (const m of ['ram', 'arena', 'flash', 'macs', 'latency'] as const)
      facts.push([
        m === 'ram' ? 'Peak RAM' : m === 'macs' ? 'MACs' : m[0]?.toUpperCase() + m.slice(1),
        formatMetric(m, c.resources[m]),
      ]);
    // Unstructured pruning: flash above is the dense model that deploys; the non-zeros are μNAS's figure.
    if (c.pruning)
      facts.push([
        'Pruning',
        `${c.pruning.kind}, ${formatPercent(c.pruning.sparsity)} of prunable weights` +
          (c.pruning.nonZeroFlash !== undefined
            ? ` (non-zeros ${formatMetric('flash', c.pruning.nonZeroFlash)}, needs a sparse format)`
            : ' removed'),
      ]);
    if (c.trainSeconds !== undefined) facts.push(['Training', `${Math.round(c.trainSeconds)} s`]);
    if (c.trainedBy !== undefined) facts.push(['Trained by', c.trainedBy]);
    replaceChildren(
      this.facts,
      facts.map(([k, v]) => h('div', {}, [h('dt', { text: k }), h('dd', { text: v })])),
    );
    const problems = [
      ...c.violations.map((v) => `Over a hard limit: ${v}`),
      ...(c.failure ? [`Failed: ${c.failure}`] : []),
    ];
    replaceChildren(
      this.problems,
      problems.map((p) => h('li', { text: p })),
    );
    show(this.problems, problems.length > 0);
    this.renderLayers(c.layers);
    const curve = c.curve ?? [];
    const [ds] = this.curve.data.datasets;
    if (ds) ds.data = curve.map((y, i) => ({ x: i + 1, y }));
    show(this.curveBox, curve.length > 0);
    this.curve.update('none');
    setText(this.model, c.model);
    setAttrs(this.exportButton, { disabled: c.status !== 'trained' });
    for (const el of [this.warm, this.retrainButton]) setAttrs(el, { disabled: c.status === 'rejected' });
    const suggested = String(Math.max(10, 2 * curve.length));
    if (this.epochs.value !== suggested) this.epochs.value = suggested;
  }

  private renderLayers(layers: readonly LayerSummary[]): void {
    let peak = -1;
    layers.forEach((l, i) => {
      if (peak < 0 || l.ram > (layers[peak] as LayerSummary).ram) peak = i;
    });
    replaceChildren(
      this.layers,
      layers.map((l, i) =>
        h('tr', { class: i === peak ? 'peak' : '', attrs: i === peak ? { title: 'Peak RAM' } : {} }, [
          h('td', { text: l.name }),
          h('td', { text: l.text, class: 'op' }),
          h('td', { text: l.shape.join('×') }),
          h('td', { text: formatBytes(l.ram), class: 'num' }),
          h('td', { text: formatBytes(l.flash), class: 'num' }),
          h('td', { text: formatCount(l.macs), class: 'num' }),
        ]),
      ),
    );
  }

  applyTheme(theme: Theme): void {
    const [ds] = this.curve.data.datasets;
    if (ds) Object.assign(ds, { borderColor: theme.blue, backgroundColor: withAlpha(theme.blue, 0.5) });
    const axis = themedScale(theme);
    this.curve.options.scales = {
      x: {
        type: 'linear',
        ...axis,
        title: { display: true, text: 'Epoch', color: theme.foreground },
        ticks: { color: theme.muted, stepSize: 1, precision: 0 },
      },
      y: {
        type: 'linear',
        ...axis,
        title: { display: false },
        ticks: { color: theme.muted, callback: (v) => formatRoundPercent(Number(v)) },
      },
    };
    this.curve.update('none');
  }

  debug(): DetailsDebug {
    return {
      ...(this.shown ? { id: this.shown.id } : {}),
      layers: this.shown ? this.shown.layers.map((l) => l.name) : [],
      curve: this.curve.data.datasets[0]?.data.length ?? 0,
    };
  }
}
