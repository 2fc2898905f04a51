import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { UnasServices } from '../services.js';
import { codeActions } from './code-actions.js';
import { codeLenses } from './code-lens.js';
import { completion, COMPLETION_TRIGGERS } from './completion.js';
import { DiagnosticsPublisher } from './diagnostics.js';
import type { DocumentState } from './document-state.js';
import { documentSymbols } from './document-symbols.js';
import { foldingRanges } from './folding-ranges.js';
import { formattingEdits } from './formatting.js';
import { hover } from './hover.js';
import { inlayHints } from './inlay-hints.js';
import { definition, prepareRename, references, rename } from './navigation.js';
import { SEMANTIC_LEGEND, semanticTokens } from './semantic-tokens.js';
import {
  DEFAULT_SERVER_SETTINGS,
  readServerSettings,
  type ServerSettings,
} from '../../../protocol/src/settings.js';
import { SIGNATURE_RETRIGGERS, SIGNATURE_TRIGGERS, signatureHelp } from './signature-help.js';
import { memoryReleaser } from './memory-release.js';
import { Workspace } from './workspace.js';

/**
 * Wires the engine to an LSP connection: plain LSP only, so any client can use it (VS Code over
 * IPC, Neovim or any editor over stdio). Each feature lives in its own file as a pure function of
 * a document version; this file only routes requests and owns the session state (settings, the
 * client's capabilities, the diagnostics publisher).
 */
export function startLanguageServer(connection: Connection, services: UnasServices): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(documents, services);
  let settings: ServerSettings = DEFAULT_SERVER_SETTINGS;
  let quiescent = false;
  let client: ClientCapabilities = {};
  const refreshHints = (): void => {
    if (client.workspace?.inlayHint?.refreshSupport)
      void connection.languages.inlayHint.refresh().catch(() => undefined);
  };
  const publisher = new DiagnosticsPublisher(
    connection,
    workspace,
    services.timers,
    () => settings,
    () => quiescent,
    () => services.resources.boundsComputed,
    refreshHints,
  );

  const log = (what: string, e: unknown) =>
    connection.console.error(
      `unas: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );

  /** Routes a document request to a feature; a stale, cancelled or failing request answers `empty`. */
  const route =
    <P extends { textDocument: { uri: string } }, R, E>(
      name: string,
      feature: (state: DocumentState, params: P) => R,
      empty: E,
    ) =>
    (params: P, token?: CancellationToken): R | E => {
      if (token?.isCancellationRequested) return empty;
      const state = workspace.get(params.textDocument.uri);
      if (!state) return empty;
      try {
        return feature(state, params);
      } catch (e) {
        log(name, e);
        return empty;
      }
    };

  connection.onInitialize((params): InitializeResult => {
    const init: unknown = params.initializationOptions;
    settings = readServerSettings(init, DEFAULT_SERVER_SETTINGS);
    quiescent =
      typeof init === 'object' &&
      init !== null &&
      (init as Record<string, unknown>)['quiescentNotification'] === true;
    client = params.capabilities;
    const capabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
      signatureHelpProvider: {
        triggerCharacters: SIGNATURE_TRIGGERS,
        retriggerCharacters: SIGNATURE_RETRIGGERS,
      },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: client.textDocument?.rename?.prepareSupport ? { prepareProvider: true } : true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: false },
      inlayHintProvider: { resolveProvider: false },
    };
    return { capabilities, serverInfo: { name: 'unas-language-server' } };
  });

  const pullsConfiguration = () => client.workspace?.configuration === true;
  const pullSettings = async (): Promise<void> => {
    try {
      const section: unknown = await connection.workspace.getConfiguration('unas');
      settings = readServerSettings(section, settings);
    } catch (e) {
      log('workspace/configuration', e);
    }
  };
  const settingsChanged = async (): Promise<void> => refreshHints();

  connection.onInitialized(async () => {
    if (!pullsConfiguration()) return;
    if (client.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'unas' });
    }
    await pullSettings();
    await settingsChanged();
  });

  connection.onDidChangeConfiguration(async (params) => {
    const pushed: unknown = params.settings;
    const hasPushed = typeof pushed === 'object' && pushed !== null && Object.keys(pushed).length > 0;
    if (hasPushed) settings = readServerSettings(pushed, settings);
    else if (pullsConfiguration()) await pullSettings();
    await settingsChanged();
  });

  connection.onHover(route('hover', (s, p) => hover(s, p.position), null));
  connection.onCompletion(
    route(
      'completion',
      (s, p) =>
        completion(
          s,
          p.position,
          p.context
            ? {
                kind: p.context.triggerKind,
                ...(p.context.triggerCharacter ? { character: p.context.triggerCharacter } : {}),
              }
            : undefined,
        ),
      null,
    ),
  );
  connection.onSignatureHelp(route('signature help', (s, p) => signatureHelp(s, p.position), null));
  connection.onDefinition(route('definition', (s, p) => definition(s, p.position), null));
  connection.onReferences(
    route('references', (s, p) => references(s, p.position, p.context.includeDeclaration), null),
  );
  connection.onPrepareRename(route('prepare rename', (s, p) => prepareRename(s, p.position), null));
  connection.onRenameRequest(route('rename', (s, p) => rename(s, p.position, p.newName), null));
  connection.onDocumentSymbol(route('document symbols', (s) => documentSymbols(s), null));
  connection.onFoldingRanges(route('folding ranges', (s) => foldingRanges(s), null));
  connection.onDocumentFormatting(route('formatting', (s, p) => formattingEdits(s, p.options), null));
  connection.onDocumentRangeFormatting(
    route('range formatting', (s, p) => formattingEdits(s, p.options, p.range), null),
  );
  connection.onCodeLens(route('code lens', (s) => codeLenses(s), null));
  connection.onCodeAction(route('code actions', (s, p) => codeActions(s, p), null));
  connection.languages.semanticTokens.on(route('semantic tokens', (s) => semanticTokens(s), { data: [] }));
  connection.languages.inlayHint.on(
    route('inlay hints', (s, p) => (settings.inlayHints.enabled ? inlayHints(s, p.range) : []), null),
  );

  documents.onDidChangeContent((e) => publisher.schedule(e.document.uri));
  const released = memoryReleaser(services.timers);
  documents.onDidClose((e) => {
    workspace.forget(e.document.uri);
    publisher.close(e.document.uri);
    released(e.document.getText().length);
  });

  documents.listen(connection);
  connection.listen();
}
