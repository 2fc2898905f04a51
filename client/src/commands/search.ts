import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { runsRoot, searchArgs, searchNames } from '../search-args.js';
import type { CommandFactory } from './context.js';
import { pickRun, pickUnasFile, trustedRun } from './pickers.js';

/** `unas.startSearch [uri] [name]`: a search of a `.unas` file (asks which when it has several). */
export const startSearch: CommandFactory = (ctx) => async (uri, name) => {
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
  const settings = ctx.settings();
  ctx.controller.start(
    ctx.cli,
    searchArgs({ file: doc.uri.fsPath, search, runsRoot: runsRoot(folder, settings), settings }),
    folder,
    search,
  );
};

export const stopSearch: CommandFactory = (ctx) => () => ctx.controller.stop();

/** `unas.resumeSearch [run]`: continues a stopped or killed run from its folder. */
export const resumeSearch: CommandFactory = (ctx) => async (run) => {
  const dir = trustedRun(ctx, run) ?? (await pickRun(ctx, (finished) => !finished, 'Resume which run?'));
  if (!dir) return;
  ctx.controller.start(
    ctx.cli,
    searchArgs({ resume: dir, runsRoot: dirname(dir), settings: ctx.settings() }),
    dirname(dir),
    'resuming',
  );
};
