import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PanelToHost } from '../../../protocol/src/panel-messages.js';
import type { RunEvent } from '../../../protocol/src/run-events.js';
import { checkPanelMessage } from '../../../protocol/src/validate.js';
import { panelHtml } from './html.js';

export const PANEL_VIEW_TYPE = 'unas.searchPanel';

export interface PanelActions {
  /** A validated message from the panel about a candidate of `run`. */
  onMessage(run: string, message: Exclude<PanelToHost, { type: 'ready' }>): void;
  /** Events of `run` so far (from the live search or the run folder). */
  eventsOf(run: string): Promise<readonly RunEvent[]>;
  log(line: string): void;
}

/**
 * The one search panel. The page is a pure function of the events it is sent: on (re)load it
 * says `ready` and gets the run's whole event history, then live batches. Its own UI state
 * (selection, axis) survives hide/show and reloads through the webview's getState/setState.
 */
export class SearchPanel {
  private static current: SearchPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private pending: RunEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private run: string,
    private readonly actions: PanelActions,
  ) {
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
    };
    panel.webview.html = this.html();
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), null, this.disposables);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
  }

  static show(extensionUri: vscode.Uri, run: string, actions: PanelActions): SearchPanel {
    const existing = SearchPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      if (existing.run !== run) existing.open(run);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'μNAS Search',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { retainContextWhenHidden: false },
    );
    SearchPanel.current = new SearchPanel(panel, extensionUri, run, actions);
    return SearchPanel.current;
  }

  /** After a window reload: VS Code hands back the panel and the state the page saved. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    state: unknown,
    actions: PanelActions,
    confine: (run: unknown) => string | undefined,
  ): void {
    // The page saves `{ v, ui: { run, … } }`; anything else is ignored (the panel then waits to be given a run).
    // The saved state is the page's, so untrusted: the run must be a folder inside a runs folder.
    const ui =
      typeof state === 'object' && state !== null ? (state as { ui?: { run?: unknown } }).ui : undefined;
    const run = confine(ui?.run) ?? '';
    SearchPanel.current = new SearchPanel(panel, extensionUri, run, actions);
  }

  static get active(): SearchPanel | undefined {
    return SearchPanel.current;
  }
  get runDir(): string {
    return this.run;
  }

  /** Switches to another run: the page resets and receives that run's history. */
  open(run: string): void {
    this.run = run;
    this.pending = [];
    void this.panel.webview.postMessage({ type: 'reset', run, loading: true });
    void this.sendHistory();
  }

  /** A live event of the run on show; batched so thousands of candidates cost few messages. */
  push(run: string, event: RunEvent): void {
    if (run !== this.run) return;
    this.pending.push(event);
    this.flushTimer ??= setTimeout(() => this.flush(), 100);
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (!this.pending.length) return;
    const events = this.pending;
    this.pending = [];
    void this.panel.webview.postMessage({ type: 'events', events });
  }

  private async sendHistory(): Promise<void> {
    if (!this.run) return;
    const events = await this.actions.eventsOf(this.run);
    void this.panel.webview.postMessage({ type: 'reset', run: this.run, loading: false });
    void this.panel.webview.postMessage({ type: 'events', events });
  }

  private receive(raw: unknown): void {
    // The page is untrusted: nothing from it is used before it is validated.
    const m = checkPanelMessage(raw);
    if (!m.ok) {
      this.actions.log(`ignored a panel message: ${m.error}`);
      return;
    }
    if (m.value.type === 'ready') {
      void this.sendHistory();
      return;
    }
    this.actions.onMessage(this.run, m.value);
  }

  private html(): string {
    const w = this.panel.webview;
    const dist = (f: string) => w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', f)).toString();
    return panelHtml({
      cspSource: w.cspSource,
      nonce: randomBytes(18).toString('base64url'),
      scriptUri: dist('webview.js'),
      styleUri: dist('webview.css'),
      codiconsUri: dist('codicons/codicon.css'),
    });
  }

  private dispose(): void {
    if (SearchPanel.current === this) SearchPanel.current = undefined;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
