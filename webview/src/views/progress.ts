import { last } from '../../../protocol/src/append-log.js';
import type { WorkerSummary } from '../../../protocol/src/run-events.js';
import { h, replaceChildren, setAttrs, setText, show } from '../dom.js';
import { formatDuration, formatPercent } from '../format.js';
import { progress } from '../selectors.js';
import { findCandidate, type PanelState, type TrainingSlot } from '../store.js';
import type { ProgressDebug } from '../test-hook.js';

/**
 * The run at a glance: candidates done of the budget, rate and ETA, what is training now (epoch,
 * loss), backend and workers; a spinner until the first events arrive.
 */
export class ProgressView {
  readonly element: HTMLElement;
  private readonly loading: HTMLElement;
  private readonly loadingText: HTMLElement;
  private readonly body: HTMLElement;
  private readonly title: HTMLElement;
  private readonly state: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly stats: Record<
    'done' | 'rate' | 'eta' | 'backend' | 'convention' | 'outcome' | 'front' | 'final',
    HTMLElement
  >;
  private readonly training: HTMLElement;
  private readonly workers: HTMLElement;
  private readonly logs: HTMLElement;
  private memo: readonly unknown[] = [];

  constructor() {
    this.loadingText = h('span', { text: 'Waiting for the search…' });
    this.loading = h('div', { class: 'loading', attrs: { role: 'status' } }, [
      h('vscode-progress-ring', { attrs: { 'aria-label': 'Loading' } }),
      this.loadingText,
    ]);
    this.title = h('h1', { class: 'run-title', text: 'Search' });
    this.state = h('vscode-badge', { class: 'run-state' });
    this.bar = h('vscode-progress-bar', { attrs: { max: 1, 'aria-label': 'Candidates evaluated' } });
    const stat = (label: string) => h('dd', { text: '—', attrs: { 'data-stat': label } });
    this.stats = {
      done: stat('done'),
      rate: stat('rate'),
      eta: stat('eta'),
      backend: stat('backend'),
      convention: stat('convention'),
      outcome: stat('outcome'),
      front: stat('front'),
      final: stat('final'),
    };
    const labels: Record<keyof typeof this.stats, string> = {
      done: 'Candidates',
      rate: 'Rate',
      eta: 'ETA',
      backend: 'Backend',
      convention: 'Resources',
      outcome: 'Outcome',
      front: 'Front',
      final: 'Final phase',
    };
    this.training = h('ul', { class: 'training', attrs: { 'aria-label': 'Training now' } });
    this.workers = h('ul', { class: 'workers', attrs: { 'aria-label': 'Queue workers' } });
    this.logs = h('ul', { class: 'logs', attrs: { 'aria-label': 'Warnings' } });
    this.body = h('div', { class: 'progress-body' }, [
      h('header', { class: 'progress-head' }, [this.title, this.state]),
      this.bar,
      h(
        'dl',
        { class: 'stats' },
        (Object.keys(this.stats) as (keyof typeof this.stats)[]).map((k) =>
          h('div', {}, [h('dt', { text: labels[k] }), this.stats[k]]),
        ),
      ),
      this.training,
      this.workers,
      this.logs,
    ]);
    this.element = h('section', { class: 'progress', attrs: { 'aria-label': 'Search progress' } }, [
      this.loading,
      this.body,
    ]);
  }

  render(state: PanelState): void {
    const { run } = state;
    const memo = [
      state.loading,
      run.info,
      run.candidates.length,
      run.training,
      run.front,
      run.finished,
      run.logs,
      run.counts,
      run.workers,
      run.final,
    ];
    if (memo.every((m, i) => m === this.memo[i])) return;
    this.memo = memo;
    const waiting = state.loading || !run.info;
    show(this.loading, waiting);
    show(this.body, !waiting);
    setText(this.loadingText, state.loading ? 'Loading the run…' : 'Waiting for the search to start…');
    if (waiting || !run.info) return;

    const info = run.info;
    const p = progress(run);
    setText(this.title, `Search ${info.search}`);
    setAttrs(this.title, { title: `Run ${info.run}` });
    const status = run.finished
      ? run.finished.reason === 'done'
        ? 'finished'
        : run.finished.reason
      : 'running';
    setText(this.state, status);
    setAttrs(this.state, { class: `run-state state-${status}` });
    setAttrs(this.bar, { value: p.budget > 0 ? Math.min(1, p.done / p.budget) : 0 });
    setText(
      this.stats.done,
      `${p.done} / ${p.budget}${p.budget > 0 ? ` (${formatPercent(p.done / p.budget, 0)})` : ''}`,
    );
    setText(
      this.stats.rate,
      p.rate !== undefined ? `${p.rate < 10 ? p.rate.toFixed(1) : Math.round(p.rate)} / hour` : '—',
    );
    setText(
      this.stats.eta,
      run.finished ? (run.finished.message ?? 'done') : p.eta !== undefined ? formatDuration(p.eta) : '—',
    );
    setText(
      this.stats.backend,
      `${info.backend} · ${info.workers} worker${info.workers === 1 ? '' : 's'}${info.resumed ? ' · resumed' : ''}`,
    );
    setText(
      this.stats.convention,
      info.convention === 'unas'
        ? 'unas convention (μNAS: 1 B parameters, input excluded)'
        : 'tflm convention (deployable int8 TFLite Micro)',
    );
    const fin = run.final;
    show(this.stats.final.parentElement!, fin !== undefined);
    if (fin) {
      const done = fin.ids.filter((id) => findCandidate(run, id)?.testError !== undefined).length;
      setText(
        this.stats.final,
        `${done} / ${fin.ids.length} re-trained on the whole training set (${fin.epochs} epochs)`,
      );
    }
    const c = run.counts;
    setText(this.stats.outcome, `${c.trained} trained · ${c.failed} failed · ${c.rejected} rejected`);
    const hv = last(run.hypervolume);
    setText(
      this.stats.front,
      `${run.front.length} candidate${run.front.length === 1 ? '' : 's'}${hv ? ` · hypervolume ${hv.value.toFixed(3)}` : ''}`,
    );
    replaceChildren(
      this.training,
      run.training.map((s) => h('li', { text: trainingText(s) })),
    );
    show(this.training, run.training.length > 0);
    // A search on a queue (`unas search --queue`): who is connected and what each trains now.
    replaceChildren(
      this.workers,
      (run.workers ?? []).map((w) => h('li', { text: workerText(w) })),
    );
    show(this.workers, (run.workers?.length ?? 0) > 0);
    replaceChildren(
      this.logs,
      run.logs.slice(-3).map((l) => h('li', { class: `log-${l.level}`, text: l.message })),
    );
    show(this.logs, run.logs.length > 0);
  }

  debug(): ProgressDebug {
    return {
      loading: !this.loading.hidden,
      text: (this.body.hidden ? this.loading.textContent : this.body.textContent) ?? '',
      training: [...this.training.children].map((li) => Number(/#(\d+)/.exec(li.textContent ?? '')?.[1])),
    };
  }
}

function trainingText(s: TrainingSlot): string {
  const parts = [`#${s.id} on worker ${s.worker}`];
  if (s.epochs > 0) parts.push(`epoch ${s.epoch}/${s.epochs}`);
  else parts.push('starting');
  if (s.loss !== undefined) parts.push(`loss ${s.loss.toFixed(3)}`);
  if (s.accuracy !== undefined) parts.push(`accuracy ${formatPercent(s.accuracy, 1)}`);
  return parts.join(' · ');
}

function workerText(w: WorkerSummary): string {
  const busy = w.jobs.length + w.other;
  const jobs = w.jobs.length ? ` · training #${w.jobs.join(', #')}` : '';
  const other = w.other ? ` · ${w.other} of another search` : '';
  return `${w.id} · ${w.backend} · ${busy}/${w.concurrency} busy${jobs}${other}`;
}
