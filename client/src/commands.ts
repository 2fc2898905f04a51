/**
 * Every command of the extension, once: the manifest's `contributes.commands` must match this
 * table (a test checks), and registration walks it. `trusted` commands run code or write files:
 * they are refused in untrusted workspaces. `when` is the palette condition.
 */
export interface CommandSpec {
  readonly id: string;
  readonly title: string;
  readonly trusted: boolean;
  readonly when?: string;
  readonly icon?: string;
}

export const CATEGORY = 'μNAS';

export const COMMANDS = [
  {
    id: 'unas.startSearch',
    title: 'Start Search',
    trusted: true,
    when: 'editorLangId == unas && !unas.searchRunning',
    icon: '$(play)',
  },
  {
    id: 'unas.stopSearch',
    title: 'Stop Search',
    trusted: false,
    when: 'unas.searchRunning',
    icon: '$(debug-stop)',
  },
  { id: 'unas.resumeSearch', title: 'Resume Search', trusted: true, when: '!unas.searchRunning' },
  { id: 'unas.openResults', title: 'Open Results', trusted: false },
  { id: 'unas.showParetoFront', title: 'Show Pareto Front', trusted: false },
  { id: 'unas.estimateModel', title: 'Estimate Model', trusted: false, when: 'editorLangId == unas' },
  { id: 'unas.exportModel', title: 'Export Model', trusted: true },
  { id: 'unas.estimateSpace', title: 'Estimate Search Space', trusted: false, when: 'editorLangId == unas' },
  { id: 'unas.selectBackend', title: 'Select Training Backend', trusted: false },
  { id: 'unas.openRunFolder', title: 'Open Run Folder', trusted: false },
  { id: 'unas.refreshRuns', title: 'Refresh Runs', trusted: false, icon: '$(refresh)' },
] as const satisfies readonly CommandSpec[];

export type CommandId = (typeof COMMANDS)[number]['id'];

/** The manifest entries this table implies (`contributes.commands`). */
export function manifestCommands(): { command: string; title: string; category: string; icon?: string }[] {
  return COMMANDS.map((c: CommandSpec) => ({
    command: c.id,
    title: c.title,
    category: CATEGORY,
    ...(c.icon ? { icon: c.icon } : {}),
  }));
}

/** The palette conditions this table implies (`contributes.menus.commandPalette`). */
export function manifestPaletteMenus(): { command: string; when: string }[] {
  return COMMANDS.flatMap((c: CommandSpec) => (c.when ? [{ command: c.id, when: c.when }] : []));
}
