import * as vscode from 'vscode';
import type { RunEvent } from '../../protocol/src/run-events.js';
import { emptyRun, evaluatedCount, foldEvent, type RunState } from '../../protocol/src/run-state.js';
import { SearchProcess } from './search-process.js';
import { SearchPanel, type PanelActions } from './panel/search-panel.js';

interface Running {
  readonly process: SearchProcess;
  run?: string;
  readonly events: RunEvent[];
  /** The events folded (protocol/src/run-state.ts): what the status and the progress show. */
  state: RunState;
}

const done = (r: Running): number => evaluatedCount(r.state);
const budget = (r: Running): number => r.state.info?.budget ?? 0;

/**
 * The one running search: its process, its status-bar item, its cancellable notification and
 * its log. Stop kills it cleanly (SIGINT: the run folder stays resumable).
 */
export class SearchController implements vscode.Disposable {
  private running: Running | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
    private readonly actions: PanelActions,
  ) {
    this.status = vscode.window.createStatusBarItem('unas.search', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'μNAS Search';
    this.status.command = 'unas.showParetoFront';
  }

  get currentRun(): string | undefined {
    return this.running?.run;
  }
  /** Events of the running search so far (the panel asks for them on reload). */
  liveEvents(run: string): readonly RunEvent[] | undefined {
    return this.running?.run === run ? this.running.events : undefined;
  }

  start(cli: string, args: readonly string[], cwd: string, title: string): void {
    if (this.running) {
      void vscode.window.showWarningMessage('A μNAS search is already running. Stop it first.');
      return;
    }
    this.output.appendLine(`$ unas ${args.join(' ')}`);
    const state: Running = {
      process: new SearchProcess({
        cli,
        args,
        cwd,
        onEvent: (e) => this.onEvent(state, e),
        onLog: (l) => this.output.appendLine(l),
      }),
      events: [],
      state: emptyRun(),
    };
    this.running = state;
    void vscode.commands.executeCommand('setContext', 'unas.searchRunning', true);
    this.status.text = `$(loading~spin) μNAS: starting ${title}`;
    this.status.show();
    this.changed.fire();

    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `μNAS: ${title}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => void this.stop());
        let reported = 0;
        const tick = setInterval(() => {
          const r = this.running;
          if (r !== state || !budget(r)) return;
          const pct = (100 * done(r)) / budget(r);
          progress.report({ message: `${done(r)}/${budget(r)} candidates`, increment: pct - reported });
          reported = pct;
        }, 500);
        const code = await state.process.done;
        clearInterval(tick);
        this.finished(state, code);
      },
    );
  }

  async stop(): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.status.text = '$(loading~spin) μNAS: stopping…';
    await r.process.stop();
  }

  private onEvent(r: Running, e: RunEvent): void {
    r.events.push(e);
    r.state = foldEvent(r.state, e);
    if (e.type === 'run-started') {
      r.run = e.run;
      this.output.appendLine(`run folder: ${e.run} · backend ${e.backend} · ${e.workers} worker(s)`);
      SearchPanel.show(this.extensionUri, e.run, this.actions);
      this.changed.fire();
    } else if (
      e.type === 'candidate-finished' &&
      e.candidate.testError === undefined &&
      e.candidate.status !== 'rejected'
    ) {
      const c = e.candidate;
      this.output.appendLine(
        `#${c.id} ${c.origin}: ${c.status === 'trained' ? `accuracy ${(100 * (1 - (c.error ?? 1))).toFixed(2)}%` : `failed: ${c.failure ?? ''}`}`,
      );
    } else if (e.type === 'log' || (e.type === 'run-finished' && e.message)) {
      this.output.appendLine(e.type === 'log' ? e.message : `search ${e.reason}: ${e.message}`);
    }
    if (r.run) SearchPanel.active?.push(r.run, e);
    this.status.text = `$(beaker) μNAS ${done(r)}/${budget(r) || '?'}`;
    this.status.tooltip = 'μNAS search: click to show the Pareto front';
  }

  private finished(r: Running, code: number | null): void {
    if (this.running !== r) return;
    this.running = undefined;
    void vscode.commands.executeCommand('setContext', 'unas.searchRunning', false);
    this.status.hide();
    let last = r.events.at(-1);
    const how = last?.type === 'run-finished' ? last.reason : code === 0 ? 'done' : 'failed';
    if (last?.type !== 'run-finished' && r.run) {
      // The process ended without saying so (a crash): tell the panel, or it would show "running" forever.
      last = {
        type: 'run-finished',
        reason: how,
        message: `the search process exited with code ${code ?? 'none'}`,
        time: new Date().toISOString(),
      };
      r.events.push(last);
      SearchPanel.active?.push(r.run, last);
    }
    this.output.appendLine(`search ${how} (exit code ${code ?? 'none'})`);
    if (how === 'failed')
      void vscode.window
        .showErrorMessage(
          `μNAS search failed${last?.type === 'run-finished' && last.message ? `: ${last.message}` : ''}. See the μNAS output.`,
          'Show Output',
        )
        .then((a) => {
          if (a) this.output.show();
        });
    else void vscode.window.showInformationMessage(`μNAS search ${how}: ${done(r)} candidates evaluated.`);
    this.changed.fire();
  }

  dispose(): void {
    void this.running?.process.stop(2000);
    this.status.dispose();
    this.changed.dispose();
  }
}
