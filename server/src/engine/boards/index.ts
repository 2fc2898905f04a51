/** The board / MCU catalogue: datasheet RAM, flash, core and clock, and the runtime reserve. */
export { type Board, BOARDS, defaultReserve } from './catalogue.js';
export { boardBudget, boardNames, findBoard, listBoards, normaliseBoardName } from './lookup.js';
