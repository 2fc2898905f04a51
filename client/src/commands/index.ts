import type { CommandId } from '../commands.js';
import { selectBackend } from './backend.js';
import type { CommandFactory } from './context.js';
import { estimate } from './estimate.js';
import { exportModel } from './export.js';
import { openResults, openRunFolder, refreshRuns, showParetoFront } from './results.js';
import { resumeSearch, startSearch, stopSearch } from './search.js';

/** Every command's factory, keyed by the ids of the command table (commands.ts): one entry each. */
export const COMMAND_FACTORIES: Readonly<Record<CommandId, CommandFactory>> = {
  'unas.startSearch': startSearch,
  'unas.stopSearch': stopSearch,
  'unas.resumeSearch': resumeSearch,
  'unas.openResults': openResults,
  'unas.showParetoFront': showParetoFront,
  'unas.estimateModel': estimate,
  'unas.exportModel': exportModel,
  'unas.estimateSpace': estimate,
  'unas.selectBackend': selectBackend,
  'unas.openRunFolder': openRunFolder,
  'unas.refreshRuns': refreshRuns,
};
