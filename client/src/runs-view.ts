import * as vscode from 'vscode';
import { discoverRuns, type RunFolder } from './runs.js';

/** The runs already on disk, newest first; a click opens one in the panel without re-running it. */
export class RunsView implements vscode.TreeDataProvider<RunFolder> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly roots: () => string[],
    private readonly running: () => string | undefined,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(element?: RunFolder): Promise<RunFolder[]> {
    if (element) return [];
    const all = await Promise.all(this.roots().map((r) => discoverRuns(r)));
    return all.flat().sort((a, b) => b.modified - a.modified);
  }

  getTreeItem(run: RunFolder): vscode.TreeItem {
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
    const live = this.running() === run.dir;
    item.description = `${run.evaluated} evaluated${live ? ' · running' : run.finished ? ' · done' : ' · stopped'}`;
    item.iconPath = new vscode.ThemeIcon(live ? 'loading~spin' : run.finished ? 'pass' : 'debug-pause');
    item.tooltip = run.dir;
    item.contextValue = live ? 'unas.run.live' : run.finished ? 'unas.run.done' : 'unas.run.stopped';
    item.command = { command: 'unas.openResults', title: 'Open Results', arguments: [run.dir] };
    return item;
  }
}
