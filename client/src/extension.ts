import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { readClientSettings, SETTINGS_SECTION } from '../../protocol/src/settings.js';
import { COMMANDS } from './commands.js';
import type { Ctx } from './commands/context.js';
import { COMMAND_FACTORIES } from './commands/index.js';
import { onPanelMessage } from './commands/panel-messages.js';
import { requireTrust } from './commands/pickers.js';
import { PANEL_VIEW_TYPE, SearchPanel, type PanelActions } from './panel/search-panel.js';
import { confinedRun, readRunEvents } from './runs.js';
import { RunsView } from './runs-view.js';
import { runsRoot } from './search-args.js';
import { SearchController } from './search-controller.js';

let client: LanguageClient | undefined;

/** Composition root: the context the commands share, the commands (commands/), the panel, the runs view, the language client. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('μNAS');
  const settings = () => readClientSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION));
  const roots = () =>
    (vscode.workspace.workspaceFolders ?? []).map((f) => runsRoot(f.uri.fsPath, settings()));
  const actions: PanelActions = {
    eventsOf: async (run) => controller.liveEvents(run) ?? (await readRunEvents(run)).events,
    log: (l) => output.appendLine(l),
    onMessage: (run, m) => void onPanelMessage(ctx, run, m),
  };
  const controller = new SearchController(context.extensionUri, output, actions);
  const runsView = new RunsView(roots, () => controller.currentRun);
  const cli = context.asAbsolutePath(join('dist', 'cli.js'));
  const ctx: Ctx = {
    extensionUri: context.extensionUri,
    output,
    cli,
    controller,
    runsView,
    actions,
    settings,
    roots,
  };

  context.subscriptions.push(
    output,
    controller,
    vscode.window.registerTreeDataProvider('unas.runs', runsView),
    controller.onDidChange(() => runsView.refresh()),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) =>
        SearchPanel.revive(panel, context.extensionUri, state, actions, (run) => confinedRun(roots(), run)),
    }),
    // Trusted commands run code or write files: refused in untrusted workspaces.
    ...COMMANDS.map((c) => {
      const run = COMMAND_FACTORIES[c.id](ctx);
      return vscode.commands.registerCommand(c.id, (...args: unknown[]) =>
        c.trusted && !requireTrust() ? undefined : run(...args),
      );
    }),
  );
  await startLanguageClient(context, output);
}

/** The language server: diagnostics, inline estimates, completion… for .unas files. */
async function startLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
): Promise<void> {
  const module = context.asAbsolutePath(join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'unas' }],
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel: output,
  };
  client = new LanguageClient('unas', 'μNAS Language Server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    void vscode.window.showErrorMessage(
      `μNAS: the language server did not start: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
