import * as vscode from 'vscode';
import { SearchPanel } from '../panel/search-panel.js';
import { confinedRun, discoverRuns } from '../runs.js';
import type { Ctx } from './context.js';

/** Paths from the panel or from arguments must stay inside a runs folder of this workspace. */
export function trustedRun(ctx: Ctx, run: unknown): string | undefined {
  return confinedRun(ctx.roots(), run);
}

/** Searches, retraining and exports run code and write files: only in trusted workspaces. */
export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    'μNAS runs searches only in trusted workspaces: they execute training code and write files.',
  );
  return false;
}

/** The `.unas` document a command is about: its argument, else the active editor's. */
export async function pickUnasFile(uri?: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  if (typeof uri === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const ed = vscode.window.activeTextEditor;
  if (ed?.document.languageId === 'unas') return ed.document;
  void vscode.window.showWarningMessage('Open a .unas file first.');
  return undefined;
}

/** A run folder of the workspace, picked by the user among those `filter` keeps (by whether they finished). */
export async function pickRun(
  ctx: Ctx,
  filter: (finished: boolean) => boolean,
  placeHolder: string,
): Promise<string | undefined> {
  const runs = (await Promise.all(ctx.roots().map((r) => discoverRuns(r))))
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

/** The run a command is about: its argument, the running search, the open panel, else a pick. */
export async function currentOrPickedRun(
  ctx: Ctx,
  run: unknown,
  placeHolder: string,
): Promise<string | undefined> {
  return (
    trustedRun(ctx, run) ??
    ctx.controller.currentRun ??
    SearchPanel.active?.runDir ??
    (await pickRun(ctx, () => true, placeHolder))
  );
}
