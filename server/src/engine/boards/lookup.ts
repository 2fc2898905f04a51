import { type Board, BOARDS } from './catalogue.js';

/** Board names are matched case-insensitively, with spaces and underscores read as hyphens. */
export function normaliseBoardName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

const byName: ReadonlyMap<string, Board> = new Map(
  BOARDS.flatMap((b) => [b.id, ...b.aliases].map((n) => [normaliseBoardName(n), b] as const)),
);

/** The board with this id or alias, if any. */
export function findBoard(name: string): Board | undefined {
  return byName.get(normaliseBoardName(name));
}

export function listBoards(): readonly Board[] {
  return BOARDS;
}

/** Every accepted name (ids first, then aliases) for completion and "did you mean". */
export function boardNames(): readonly string[] {
  return [...BOARDS.map((b) => b.id), ...BOARDS.flatMap((b) => b.aliases)];
}

/** What a model may use on `board`: RAM after the reserve, within one contiguous region; flash after the reserve. */
export function boardBudget(board: Board): { readonly ram: number; readonly flash: number } {
  return {
    ram: Math.min(board.ramBytes - board.reserve.ram, board.ramContiguousBytes),
    flash: board.flashBytes - board.reserve.flash,
  };
}
