import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { PanelToHost } from '../../../protocol/src/panel-messages.js';
import { findCandidate, foldRunEvents } from '../../../protocol/src/run-state.js';
import { SearchPanel } from '../panel/search-panel.js';
import { retrainArgs } from '../search-args.js';
import { SearchProcess } from '../search-process.js';
import type { Ctx } from './context.js';
import { exportCandidate } from './export.js';
import { requireTrust, trustedRun } from './pickers.js';

/** What the panel asks of a candidate of its run: open it as a model, re-train it, export it. */
export async function onPanelMessage(
  ctx: Ctx,
  run: string,
  m: Exclude<PanelToHost, { type: 'ready' }>,
): Promise<void> {
  const dir = trustedRun(ctx, run);
  if (!dir || m.type === 'select') return;
  const c = findCandidate(foldRunEvents(await ctx.actions.eventsOf(dir)), m.id);
  if (!c) return;
  if (m.type === 'open-as-model') {
    const doc = await vscode.workspace.openTextDocument({
      language: 'unas',
      content: `// From ${dir}, candidate ${c.id}\n${c.model}\n`,
    });
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  } else if (m.type === 'retrain') {
    if (!requireTrust()) return;
    const { warm } = m;
    const args = retrainArgs({ run: dir, id: c.id, epochs: m.epochs, warm, settings: ctx.settings() });
    ctx.output.appendLine(`$ unas ${args.join(' ')}`);
    const p = new SearchProcess({
      cli: ctx.cli,
      cwd: dirname(dir),
      args,
      onEvent: (e) => SearchPanel.active?.push(dir, e),
      onLog: (l) => ctx.output.appendLine(l),
    });
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `μNAS: re-training candidate ${c.id} for ${m.epochs} epochs${warm ? ' from its kept weights' : ''}`,
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
    await exportCandidate(ctx, dir, c.id, m.format);
  }
}
