import { join } from 'node:path';
import * as vscode from 'vscode';
import { SearchPanel } from '../panel/search-panel.js';
import type { CommandFactory } from './context.js';
import { currentOrPickedRun, pickRun, trustedRun } from './pickers.js';

export const openResults: CommandFactory = (ctx) => async (run) => {
  const dir = trustedRun(ctx, run) ?? (await pickRun(ctx, () => true, 'Open which run?'));
  if (dir) SearchPanel.show(ctx.extensionUri, dir, ctx.actions);
};

export const showParetoFront: CommandFactory = (ctx) => async () => {
  const dir =
    ctx.controller.currentRun ??
    SearchPanel.active?.runDir ??
    (await pickRun(ctx, () => true, 'Show the front of which run?'));
  if (dir) SearchPanel.show(ctx.extensionUri, dir, ctx.actions);
};

export const openRunFolder: CommandFactory = (ctx) => async (run) => {
  const dir = await currentOrPickedRun(ctx, run, 'Open which run folder?');
  if (dir)
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(join(dir, 'settings.json')));
};

export const refreshRuns: CommandFactory = (ctx) => () => ctx.runsView.refresh();
