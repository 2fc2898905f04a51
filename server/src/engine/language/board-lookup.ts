import { boardNames, findBoard } from '../boards/lookup.js';
import type { BoardLookup } from './validator.js';

/** The board catalogue as the validator sees it. */
export function boardLookup(): BoardLookup {
  return {
    find: (id) => findBoard(id),
    ids: () => boardNames(),
  };
}
