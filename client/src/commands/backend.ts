import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../../protocol/src/settings.js';
import type { CommandFactory } from './context.js';

export const selectBackend: CommandFactory = (ctx) => async () => {
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'auto', description: 'tfjs-node when installed, else WebAssembly, else pure JS' },
      { label: 'tensorflow', description: 'native TensorFlow (@tensorflow/tfjs-node must be installed)' },
      { label: 'wasm', description: 'WebAssembly (works everywhere, ~100× faster than cpu)' },
      { label: 'cpu', description: 'pure JavaScript (slowest)' },
    ],
    { placeHolder: `Training backend (now: ${ctx.settings().backend})` },
  );
  if (pick)
    await vscode.workspace
      .getConfiguration(SETTINGS_SECTION)
      .update('training.backend', pick.label, vscode.ConfigurationTarget.Workspace);
};
