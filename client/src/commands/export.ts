import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExportFormat } from '../../../protocol/src/panel-messages.js';
import { foldRunEvents } from '../../../protocol/src/run-state.js';
import { readRunEvents } from '../runs.js';
import type { CommandFactory, Ctx } from './context.js';
import { currentOrPickedRun, requireTrust } from './pickers.js';
import { runCli } from './run-cli.js';

/** `unas.exportModel [run] [id]`: a front member as int8 TFLite, a C array or a float tfjs model. */
export const exportModel: CommandFactory = (ctx) => async (run, id) => {
  const dir = await currentOrPickedRun(ctx, run, 'Export from which run?');
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
  if (format === 'tflite' || format === 'c' || format === 'tfjs')
    await exportCandidate(ctx, dir, cid, format);
};

/** Exports a trained candidate with the CLI into `<run>/export/<id>/` and offers to reveal it. */
export async function exportCandidate(
  ctx: Ctx,
  dir: string,
  id: number,
  format: ExportFormat,
): Promise<void> {
  if (!requireTrust()) return;
  const out = join(dir, 'export', String(id));
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `μNAS: exporting candidate ${id} (${format})` },
    () =>
      runCli(ctx, [
        'export',
        dir,
        '--candidate',
        String(id),
        '--format',
        format,
        '--out',
        out,
        '--backend',
        ctx.settings().backend,
      ]),
  );
  if (r.failure !== undefined)
    void vscode.window.showErrorMessage(`μNAS export failed: ${r.failure}`, 'Show Output').then((a) => {
      if (a) ctx.output.show();
    });
  else
    void vscode.window
      .showInformationMessage(`μNAS: candidate ${id} exported to ${out}`, 'Reveal')
      .then((a) => {
        if (a) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(out));
      });
}
