import * as vscode from 'vscode';
import type { CommandFactory } from './context.js';
import { pickUnasFile } from './pickers.js';
import { runCli } from './run-cli.js';

/**
 * `unas.estimateModel` / `unas.estimateSpace`: `unas estimate FILE` (the engine, in the CLI
 * process); its report lands in the output channel, its errors too (it exits 1 on them).
 */
export const estimate: CommandFactory = (ctx) => async (uri) => {
  const doc = await pickUnasFile(uri);
  if (!doc) return;
  if (doc.isDirty) await doc.save();
  const r = await runCli(ctx, ['estimate', doc.uri.fsPath]);
  ctx.output.show(true);
  if (r.failure !== undefined && !r.stdout)
    void vscode.window.showErrorMessage(`μNAS estimate failed: ${r.stderr || r.failure}`);
};
