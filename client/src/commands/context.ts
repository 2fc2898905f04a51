import type * as vscode from 'vscode';
import type { ClientSettings } from '../../../protocol/src/settings.js';
import type { PanelActions } from '../panel/search-panel.js';
import type { RunsView } from '../runs-view.js';
import type { SearchController } from '../search-controller.js';

/**
 * What a command may use, built once by `activate` (rust-analyzer's `Ctx`): each command is a
 * factory `(ctx) => handler`, so it reads the extension's state instead of closing over it.
 */
export interface Ctx {
  readonly extensionUri: vscode.Uri;
  readonly output: vscode.OutputChannel;
  /** `dist/cli.js` of the extension: searches, estimates and exports run in the `unas` CLI. */
  readonly cli: string;
  readonly controller: SearchController;
  readonly runsView: RunsView;
  readonly actions: PanelActions;
  settings(): ClientSettings;
  /** The runs folders of the workspace. */
  roots(): string[];
}

export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;
