import { findCandidate, foldRunEvents } from '../../protocol/src/run-state.js';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { PanelToHost } from '../../protocol/src/panel-messages.js';
import { COMMANDS, type CommandId } from './commands.js';
import { readClientSettings, SETTINGS_SECTION } from '../../protocol/src/settings.js';
import { PANEL_VIEW_TYPE, SearchPanel, type PanelActions } from './panel/search-panel.js';
import { confinedRun, discoverRuns, readRunEvents } from './runs.js';
import { RunsView } from './runs-view.js';
import { runsRoot, searchArgs, searchNames } from './search-args.js';
import { SearchController } from './search-controller.js';
import { SearchProcess } from './search-process.js';

let client: LanguageClient | undefined;

/** Composition root: the language client, the commands, the search controller, the panel, the runs view. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('μNAS');
  context.subscriptions.push(output);
  const cli = context.asAbsolutePath(join('dist', 'cli.js'));
  const settings = () => readClientSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION));
  const folders = () => vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  const roots = () => folders().map((f) => runsRoot(f, settings()));

  const actions: PanelActions = {
    eventsOf: async (run) => controller.liveEvents(run) ?? (await readRunEvents(run)).events,
    log: (l) => output.appendLine(l),
    onMessage: (run, m) => void onPanelMessage(run, m),
  };
  const controller = new SearchController(context.extensionUri, output, actions);
  context.subscriptions.push(controller);

  const runsView = new RunsView(roots, () => controller.currentRun);
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('unas.runs', runsView),
    controller.onDidChange(() => runsView.refresh()),
  );
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) =>
        SearchPanel.revive(panel, context.extensionUri, state, actions, (run) => confinedRun(roots(), run)),
    }),
  );

  /** Paths from the panel or from arguments must stay inside a runs folder of this workspace. */
  const trustedRun = (run: unknown): string | undefined => confinedRun(roots(), run);

  async function onPanelMessage(run: string, m: Exclude<PanelToHost, { type: 'ready' }>): Promise<void> {
    const dir = trustedRun(run);
    if (!dir || m.type === 'select') return;
    const events = actions.eventsOf(dir);
    const c = findCandidate(foldRunEvents(await events), m.id);
    if (!c) return;
    if (m.type === 'open-as-model') {
      const doc = await vscode.workspace.openTextDocument({
        language: 'unas',
        content: `// From ${dir}, candidate ${c.id}\n${c.model}\n`,
      });
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    } else if (m.type === 'retrain') {
      if (!requireTrust()) return;
      output.appendLine(`$ unas retrain ${dir} --candidate ${c.id} --epochs ${m.epochs}`);
      const p = new SearchProcess({
        cli,
        cwd: dirname(dir),
        args: [
          'retrain',
          dir,
          '--candidate',
          String(c.id),
          '--epochs',
          String(m.epochs),
          '--json',
          '--backend',
          settings().backend,
        ],
        onEvent: (e) => SearchPanel.active?.push(dir, e),
        onLog: (l) => output.appendLine(l),
      });
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `μNAS: re-training candidate ${c.id} for ${m.epochs} epochs`,
          cancellable: true,
        },
        async (_p, token) => {
          token.onCancellationRequested(() => void p.stop());
          const code = await p.done;
          if (code !== 0 && !token.isCancellationRequested)
            void vscode.window.showErrorMessage(
              `μNAS: re-training candidate ${c.id} failed. See the μNAS output.`,
            );
        },
      );
    } else {
      await exportCandidate(dir, c.id, m.format);
    }
  }

  async function pickUnasFile(uri?: unknown): Promise<vscode.TextDocument | undefined> {
    if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
    if (typeof uri === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const ed = vscode.window.activeTextEditor;
    if (ed?.document.languageId === 'unas') return ed.document;
    void vscode.window.showWarningMessage('Open a .unas file first.');
    return undefined;
  }

  async function pickRun(
    filter: (finished: boolean) => boolean,
    placeHolder: string,
  ): Promise<string | undefined> {
    const runs = (await Promise.all(roots().map((r) => discoverRuns(r))))
      .flat()
      .filter((r) => filter(r.finished));
    if (!runs.length) {
      void vscode.window.showInformationMessage('No μNAS runs found in this workspace.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({
        label: r.name,
        description: `${r.evaluated} evaluated${r.finished ? ' · done' : ' · stopped'}`,
        dir: r.dir,
      })),
      { placeHolder },
    );
    return pick?.dir;
  }

  const requireTrust = (): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(
      'μNAS runs searches only in trusted workspaces: they execute training code and write files.',
    );
    return false;
  };

  const handlers: Record<CommandId, (...args: unknown[]) => unknown> = {
    'unas.startSearch': async (uri, name) => {
      const doc = await pickUnasFile(uri);
      if (!doc) return;
      if (doc.isDirty) await doc.save();
      const names = searchNames(doc.getText());
      const search =
        typeof name === 'string'
          ? name
          : names.length > 1
            ? await vscode.window.showQuickPick(names, { placeHolder: 'Which search?' })
            : names[0];
      if (!search) {
        if (!names.length) void vscode.window.showWarningMessage('This file has no search.');
        return;
      }
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? dirname(doc.uri.fsPath);
      controller.start(
        cli,
        searchArgs({
          file: doc.uri.fsPath,
          search,
          runsRoot: runsRoot(folder, settings()),
          settings: settings(),
        }),
        folder,
        search,
      );
    },
    'unas.stopSearch': () => controller.stop(),
    'unas.resumeSearch': async (run) => {
      const dir = trustedRun(run) ?? (await pickRun((finished) => !finished, 'Resume which run?'));
      if (!dir) return;
      controller.start(
        cli,
        searchArgs({ resume: dir, runsRoot: dirname(dir), settings: settings() }),
        dirname(dir),
        'resuming',
      );
    },
    'unas.openResults': async (run) => {
      const dir = trustedRun(run) ?? (await pickRun(() => true, 'Open which run?'));
      if (dir) SearchPanel.show(context.extensionUri, dir, actions);
    },
    'unas.showParetoFront': async () => {
      const dir =
        controller.currentRun ??
        SearchPanel.active?.runDir ??
        (await pickRun(() => true, 'Show the front of which run?'));
      if (dir) SearchPanel.show(context.extensionUri, dir, actions);
    },
    'unas.estimateModel': (uri) => estimate(uri),
    'unas.exportModel': async (run, id) => {
      const dir =
        trustedRun(run) ??
        controller.currentRun ??
        SearchPanel.active?.runDir ??
        (await pickRun(() => true, 'Export from which run?'));
      if (!dir) return;
      let cid = typeof id === 'number' ? id : undefined;
      if (cid === undefined) {
        const front = foldRunEvents((await readRunEvents(dir)).events).front;
        const pick = await vscode.window.showQuickPick(
          front.map((x) => ({ label: `candidate ${x}`, id: x })),
          { placeHolder: 'Export which front member? (weights are kept for the front)' },
        );
        cid = pick?.id;
      }
      if (cid === undefined) return;
      const format = await vscode.window.showQuickPick(['tflite', 'c', 'tfjs'], {
        placeHolder: 'Format: int8 TFLite, C array for TFLite Micro, or float tfjs',
      });
      if (format === 'tflite' || format === 'c' || format === 'tfjs') await exportCandidate(dir, cid, format);
    },
    'unas.estimateSpace': (uri) => estimate(uri),
    'unas.selectBackend': async () => {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'auto', description: 'tfjs-node when installed, else WebAssembly, else pure JS' },
          { label: 'tensorflow', description: 'native TensorFlow (@tensorflow/tfjs-node must be installed)' },
          { label: 'wasm', description: 'WebAssembly (works everywhere, ~100× faster than cpu)' },
          { label: 'cpu', description: 'pure JavaScript (slowest)' },
        ],
        { placeHolder: `Training backend (now: ${settings().backend})` },
      );
      if (pick)
        await vscode.workspace
          .getConfiguration(SETTINGS_SECTION)
          .update('training.backend', pick.label, vscode.ConfigurationTarget.Workspace);
    },
    'unas.openRunFolder': async (run) => {
      const dir =
        trustedRun(run) ??
        controller.currentRun ??
        SearchPanel.active?.runDir ??
        (await pickRun(() => true, 'Open which run folder?'));
      if (dir)
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(join(dir, 'settings.json')));
    },
    'unas.refreshRuns': () => runsView.refresh(),
  };

  /** Exports a trained candidate with the CLI into `<run>/export/<id>/` and offers to reveal it. */
  async function exportCandidate(dir: string, id: number, format: 'tflite' | 'c' | 'tfjs'): Promise<void> {
    if (!requireTrust()) return;
    const out = join(dir, 'export', String(id));
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `μNAS: exporting candidate ${id} (${format})`,
      },
      () =>
        new Promise<void>((resolve) => {
          execFile(
            process.execPath,
            [
              cli,
              'export',
              dir,
              '--candidate',
              String(id),
              '--format',
              format,
              '--out',
              out,
              '--backend',
              settings().backend,
            ],
            { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
            (err, stdout, stderr) => {
              output.appendLine(stdout + stderr);
              if (err)
                void vscode.window
                  .showErrorMessage(
                    `μNAS export failed: ${(stderr || err.message).trim().split('\n')[0]}`,
                    'Show Output',
                  )
                  .then((a) => {
                    if (a) output.show();
                  });
              else
                void vscode.window
                  .showInformationMessage(`μNAS: candidate ${id} exported to ${out}`, 'Reveal')
                  .then((a) => {
                    if (a) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(out));
                  });
              resolve();
            },
          );
        }),
    );
  }

  /** Estimates run in the CLI process (the engine), and land in the output channel. */
  async function estimate(uri: unknown): Promise<void> {
    const doc = await pickUnasFile(uri);
    if (!doc) return;
    if (doc.isDirty) await doc.save();
    execFile(
      process.execPath,
      [cli, 'estimate', doc.uri.fsPath],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
      (err, stdout, stderr) => {
        output.appendLine(stdout + stderr);
        output.show(true);
        if (err && !stdout)
          void vscode.window.showErrorMessage(`μNAS estimate failed: ${stderr || err.message}`);
      },
    );
  }

  for (const c of COMMANDS) {
    const run = handlers[c.id];
    context.subscriptions.push(
      vscode.commands.registerCommand(c.id, (...args: unknown[]) =>
        c.trusted && !requireTrust() ? undefined : run(...args),
      ),
    );
  }

  // The language server: diagnostics, inline estimates, completion… for .unas files.
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
