import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  ExitNotification,
  FoldingRangeRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRefreshRequest,
  LogMessageNotification,
  InlayHintRequest,
  PrepareRenameRequest,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  RegistrationRequest,
  RenameRequest,
  SemanticTokensRequest,
  ShutdownRequest,
  SignatureHelpRequest,
  ConfigurationRequest,
  type ClientCapabilities,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type PublishDiagnosticsParams,
  type InitializeResult,
  type InlayHint,
  type Location,
  type Position,
  type Range,
  type SemanticTokens,
  type SignatureHelp,
  type TextDocumentContentChangeEvent,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * A real LSP client for tests and benchmarks: spawns the built server (`--stdio`), speaks
 * JSON-RPC with vscode-jsonrpc, keeps its own copy of every open document (so incremental edits
 * and positions are computed as an editor would), and lets tests await diagnostics of a given
 * version instead of sleeping.
 */

export const ROOT = resolve(__dirname, '../..');

let building: Promise<string> | undefined;

/** Bundles server/src/main.ts (or `entry`) with esbuild into a temp file, once per process. */
export function buildServer(): Promise<string> {
  return (building ??= bundle(join(ROOT, 'server/src/main.ts'), 'server.js'));
}

const bundles = new Map<string, Promise<string>>();
const BUNDLES = join(tmpdir(), 'unas-lsp-test');

/** This process's bundle folder; folders of processes that are gone are removed (test workers may be killed). */
function bundleDir(): string {
  const dir = join(BUNDLES, String(process.pid));
  if (existsSync(dir)) return dir;
  for (const pid of existsSync(BUNDLES) ? readdirSync(BUNDLES) : []) {
    try {
      process.kill(Number(pid), 0);
    } catch {
      rmSync(join(BUNDLES, pid), { recursive: true, force: true });
    }
  }
  mkdirSync(dir, { recursive: true });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Bundles `entry` (or the `stdin` source) into a temp file `name`, once per process and name. */
export function bundle(entry: string, name: string, stdin?: string): Promise<string> {
  let b = bundles.get(name);
  if (!b) {
    b = bundleNow(entry, name, stdin);
    bundles.set(name, b);
  }
  return b;
}

async function bundleNow(entry: string, name: string, stdin?: string): Promise<string> {
  // Not a literal: a bundle of this file (bench) must not try to bundle esbuild itself.
  const esbuild = 'esbuild';
  const { build } = (await import(esbuild)) as typeof import('esbuild');
  const dir = bundleDir();
  const outfile = join(dir, name);
  await build({
    ...(stdin ? { stdin: { contents: stdin, resolveDir: ROOT, loader: 'ts' } } : { entryPoints: [entry] }),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'error',
    external: ['vscode', '@tensorflow/tfjs-node'],
  });
  if (!existsSync(outfile) || statSync(outfile).size === 0) throw new Error(`esbuild produced no ${outfile}`);
  return outfile;
}

export interface StartOptions {
  readonly initializationOptions?: unknown;
  /** Settings returned for workspace/configuration (the `unas` section); enables pull configuration. */
  readonly configuration?: unknown;
  readonly capabilities?: ClientCapabilities;
  /** Extra server arguments (default `--stdio`). */
  readonly args?: readonly string[];
  readonly script?: string;
}

interface Published {
  readonly version: number | undefined;
  readonly diagnostics: Diagnostic[];
}

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    synchronization: { dynamicRegistration: false },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: false } },
    rename: { prepareSupport: true },
    publishDiagnostics: { versionSupport: true, relatedInformation: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
    inlayHint: {},
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
  },
  workspace: { configuration: false, inlayHint: { refreshSupport: true } },
};

export class LspClient {
  readonly docs = new Map<string, TextDocument>();
  private readonly published = new Map<string, Published>();
  private readonly waiters: { uri: string; version: number; resolve: (p: Published) => void }[] = [];
  private readonly notificationWaiters: {
    method: string;
    test: (p: unknown) => boolean;
    resolve: (p: unknown) => void;
  }[] = [];
  private counter = 0;
  configuration: unknown;
  refreshes = 0;
  private readonly refreshWaiters: (() => void)[] = [];
  stderr = '';
  /** window/logMessage texts (the server logs a feature that failed there, and answers empty). */
  readonly logs: string[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
    options: StartOptions,
  ) {
    this.configuration = options.configuration;
    this.exited = new Promise((r) => child.on('exit', (code) => r(code)));
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const entry = { version: p.version, diagnostics: p.diagnostics };
      this.published.set(p.uri, entry);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.uri === p.uri && (p.version ?? -1) >= w.version) {
          this.waiters.splice(i, 1);
          w.resolve(entry);
        }
      }
      this.dispatch(PublishDiagnosticsNotification.method, p);
    });
    connection.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p.message);
    });
    connection.onNotification((method: string, params: unknown) => this.dispatch(method, params));
    connection.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => this.configuration ?? null));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(InlayHintRefreshRequest.type, () => {
      this.refreshes++;
      for (const r of this.refreshWaiters.splice(0)) r();
    });
    connection.listen();
  }

  /** Spawns the server and initializes a session. */
  static async start(options: StartOptions = {}): Promise<{ client: LspClient; init: InitializeResult }> {
    const script = options.script ?? (await buildServer());
    const child = spawn(process.execPath, [script, ...(options.args ?? ['--stdio'])], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new LspClient(child, connection, options);
    const capabilities: ClientCapabilities = {
      ...CLIENT_CAPABILITIES,
      ...options.capabilities,
      workspace: {
        ...CLIENT_CAPABILITIES.workspace,
        ...(options.configuration !== undefined
          ? { configuration: true, didChangeConfiguration: { dynamicRegistration: true } }
          : {}),
        ...options.capabilities?.workspace,
      },
    };
    const init = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions: options.initializationOptions ?? {
        quiescentNotification: true,
        diagnostics: { delayMs: 0 },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return { client, init };
  }

  private dispatch(method: string, params: unknown): void {
    for (let i = this.notificationWaiters.length - 1; i >= 0; i--) {
      const w = this.notificationWaiters[i]!;
      if (w.method === method && w.test(params)) {
        this.notificationWaiters.splice(i, 1);
        w.resolve(params);
      }
    }
  }

  /** Resolves with the first notification `method` whose params pass `test`. */
  notification<T>(method: string, test: (p: T) => boolean = () => true): Promise<T> {
    return new Promise((resolve) =>
      this.notificationWaiters.push({
        method,
        test: test as (p: unknown) => boolean,
        resolve: resolve as (p: unknown) => void,
      }),
    );
  }

  doc(uri: string): TextDocument {
    const d = this.docs.get(uri);
    if (!d) throw new Error(`not open: ${uri}`);
    return d;
  }

  async open(text: string, uri = `file:///test/doc${++this.counter}.unas`): Promise<string> {
    this.docs.set(uri, TextDocument.create(uri, 'unas', 1, text));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'unas', version: 1, text },
    });
    return uri;
  }

  /** Applies incremental changes locally and sends them; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const d = this.doc(uri);
    const version = d.version + 1;
    this.docs.set(uri, TextDocument.update(d, changes, version));
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  /** Replaces the whole text, as one incremental change. */
  replace(uri: string, text: string): Promise<number> {
    const d = this.doc(uri);
    return this.change(uri, [
      { range: { start: { line: 0, character: 0 }, end: d.positionAt(d.getText().length) }, text },
    ]);
  }

  /** Applies text edits (e.g. from formatting or a code action) as one change. */
  async applyEdits(uri: string, edits: readonly TextEdit[]): Promise<number> {
    const d = this.doc(uri);
    const text = TextDocument.applyEdits(d, [...edits]);
    return this.replace(uri, text);
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Diagnostics published for `version` (or a later one) of the document. */
  diagnostics(uri: string, version = this.doc(uri).version): Promise<Diagnostic[]> {
    const have = this.published.get(uri);
    if (have && (have.version ?? -1) >= version) return Promise.resolve(have.diagnostics);
    return new Promise((resolve) =>
      this.waiters.push({ uri, version, resolve: (p) => resolve(p.diagnostics) }),
    );
  }

  /** The next publishDiagnostics for `uri`, whatever its version (e.g. the empty one after close). */
  nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams> {
    return this.notification<PublishDiagnosticsParams>(
      PublishDiagnosticsNotification.method,
      (p) => p.uri === uri,
    );
  }

  /** Resolves at the server's next workspace/inlayHint/refresh request. */
  nextRefresh(): Promise<void> {
    return new Promise((resolve) => this.refreshWaiters.push(resolve));
  }

  async setConfiguration(settings: unknown): Promise<void> {
    this.configuration = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  private td(uri: string) {
    return { textDocument: { uri } };
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { ...this.td(uri), position });
  }
  completion(
    uri: string,
    position: Position,
    triggerCharacter?: string,
  ): Promise<CompletionList | CompletionItem[] | null> {
    return this.connection.sendRequest(CompletionRequest.type, {
      ...this.td(uri),
      position,
      context: triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 },
    });
  }
  signatureHelp(uri: string, position: Position): Promise<SignatureHelp | null> {
    return this.connection.sendRequest(SignatureHelpRequest.type, { ...this.td(uri), position });
  }
  inlayHints(uri: string, range?: Range): Promise<InlayHint[] | null> {
    const d = this.doc(uri);
    return this.connection.sendRequest(InlayHintRequest.type, {
      ...this.td(uri),
      range: range ?? { start: { line: 0, character: 0 }, end: d.positionAt(d.getText().length) },
    });
  }
  symbols(uri: string): Promise<DocumentSymbol[] | null> {
    return this.connection.sendRequest(DocumentSymbolRequest.type, this.td(uri)) as Promise<
      DocumentSymbol[] | null
    >;
  }
  folding(uri: string): Promise<FoldingRange[] | null> {
    return this.connection.sendRequest(FoldingRangeRequest.type, this.td(uri));
  }
  format(uri: string, options = { tabSize: 2, insertSpaces: true }): Promise<TextEdit[] | null> {
    return this.connection.sendRequest(DocumentFormattingRequest.type, { ...this.td(uri), options });
  }
  formatRange(
    uri: string,
    range: Range,
    options = { tabSize: 2, insertSpaces: true },
  ): Promise<TextEdit[] | null> {
    return this.connection.sendRequest(DocumentRangeFormattingRequest.type, {
      ...this.td(uri),
      range,
      options,
    });
  }
  semanticTokens(uri: string): Promise<SemanticTokens | null> {
    return this.connection.sendRequest(SemanticTokensRequest.type, this.td(uri));
  }
  definition(uri: string, position: Position): Promise<Location | Location[] | null> {
    return this.connection.sendRequest(DefinitionRequest.type, { ...this.td(uri), position }) as Promise<
      Location | Location[] | null
    >;
  }
  references(uri: string, position: Position, includeDeclaration = true): Promise<Location[] | null> {
    return this.connection.sendRequest(ReferencesRequest.type, {
      ...this.td(uri),
      position,
      context: { includeDeclaration },
    });
  }
  prepareRename(uri: string, position: Position): Promise<unknown> {
    return this.connection.sendRequest(PrepareRenameRequest.type, { ...this.td(uri), position });
  }
  rename(uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    return this.connection.sendRequest(RenameRequest.type, { ...this.td(uri), position, newName });
  }
  codeLenses(uri: string): Promise<CodeLens[] | null> {
    return this.connection.sendRequest(CodeLensRequest.type, this.td(uri));
  }
  codeActions(
    uri: string,
    range: Range,
    diagnostics: Diagnostic[] = [],
    only?: string[],
  ): Promise<CodeAction[] | null> {
    return this.connection.sendRequest(CodeActionRequest.type, {
      ...this.td(uri),
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    }) as Promise<CodeAction[] | null>;
  }

  /** Ends the session politely; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      /* already gone */
    }
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }
}

/** `text` with `<|>` markers removed, and the marker positions (in order). */
export function cursors(marked: string): { text: string; positions: Position[]; offsets: number[] } {
  const offsets: number[] = [];
  let text = '';
  const parts = marked.split('<|>');
  parts.forEach((p, i) => {
    text += p;
    if (i < parts.length - 1) offsets.push(text.length);
  });
  const d = TextDocument.create('x', 'unas', 0, text);
  return { text, offsets, positions: offsets.map((o) => d.positionAt(o)) };
}

/** Items of a completion result, whatever its shape. */
export function itemsOf(r: CompletionList | CompletionItem[] | null): CompletionItem[] {
  return r ? (Array.isArray(r) ? r : r.items) : [];
}

/** Diagnostics as `line:col-line:col severity message` (1-based, end exclusive), as test/support/render-diagnostics does for the engine. */
export function render(diagnostics: readonly Diagnostic[]): string[] {
  const sev = ['', 'error', 'warning', 'info', 'hint'];
  const p = (x: Position) => `${x.line + 1}:${x.character + 1}`;
  return diagnostics.map((d) => `${p(d.range.start)}-${p(d.range.end)} ${sev[d.severity ?? 1]} ${d.message}`);
}

/** The text a range covers. */
export function slice(text: string, range: Range): string {
  const d = TextDocument.create('x', 'unas', 0, text);
  return text.slice(d.offsetAt(range.start), d.offsetAt(range.end));
}

/** An inlay hint's text, whether one string or label parts. */
export const hintLabel = (h: InlayHint): string =>
  typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('');
