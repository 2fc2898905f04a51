import type { Connection, Diagnostic } from 'vscode-languageserver';
import type { Timers } from '../services.js';
import { documentFindings } from '../engine/checks/check-document.js';
import { toLspDiagnostic } from './convert.js';
import { QuiescentNotification } from '../../../protocol/src/lsp-messages.js';
import type { DocumentState } from './document-state.js';
import { resourceFindings } from '../engine/checks/resource-checks.js';
import type { ServerSettings } from '../../../protocol/src/settings.js';
import type { Workspace } from './workspace.js';

/** Every finding of a document version (the engine's `documentFindings`), as LSP diagnostics. */
export function documentDiagnostics(state: DocumentState): Diagnostic[] {
  return documentFindings(state).map((d) => toLspDiagnostic(state, d));
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Publishes diagnostics per document and version. An edit (re)starts a short timer (the
 * `diagnostics.delayMs` setting); opening a document publishes at once. The work yields between
 * its phases and drops out as soon as a newer version has arrived, so a burst of typing costs one
 * analysis. When nothing is left to do it tells clients that asked (`unas/quiescent`).
 */
export class DiagnosticsPublisher {
  private readonly pending = new Map<string, unknown>();
  private readonly published = new Map<string, number>();
  private running = 0;

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly timers: Timers,
    private readonly settings: () => ServerSettings,
    private readonly quiescent: () => boolean,
    /** Counts figures computed only here (space bounds); when it grows, `onNewFigures` runs (e.g. an inlay-hint refresh). */
    private readonly figures: () => number = () => 0,
    private readonly onNewFigures: () => void = () => undefined,
  ) {}

  /** A document was opened or changed. */
  schedule(uri: string): void {
    const t = this.pending.get(uri);
    if (t !== undefined) this.timers.clearTimeout(t);
    const delay = this.published.has(uri) ? this.settings().diagnostics.delayMs : 0;
    this.pending.set(
      uri,
      this.timers.setTimeout(() => void this.run(uri), delay),
    );
  }

  /** A document was closed: cancel its work and clear its diagnostics. */
  close(uri: string): void {
    const t = this.pending.get(uri);
    if (t !== undefined) this.timers.clearTimeout(t);
    this.pending.delete(uri);
    this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.maybeQuiescent();
  }

  private stale(uri: string, version: number): boolean {
    return this.pending.has(uri) || this.workspace.version(uri) !== version;
  }

  private async run(uri: string): Promise<void> {
    this.pending.delete(uri);
    const state = this.workspace.get(uri);
    if (!state) {
      this.maybeQuiescent();
      return;
    }
    this.running++;
    try {
      void state.analysis;
      await nextTurn();
      if (this.stale(uri, state.version)) return;
      const before = this.figures();
      resourceFindings(state);
      if (this.figures() !== before) this.onNewFigures();
      await nextTurn();
      if (this.stale(uri, state.version)) return;
      const diagnostics = documentDiagnostics(state);
      await this.connection.sendDiagnostics({ uri, version: state.version, diagnostics });
      this.published.set(uri, state.version);
    } catch (e) {
      this.connection.console.error(
        `unas: diagnostics of ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    } finally {
      this.running--;
      this.maybeQuiescent();
    }
  }

  private maybeQuiescent(): void {
    if (!this.quiescent() || this.pending.size || this.running) return;
    const documents = [...this.published].map(([uri, version]) => ({ uri, version }));
    void this.connection.sendNotification(QuiescentNotification.type, { documents });
  }
}
