import type { SearchDecl } from '../engine/language/ast.js';
import { resolveSearch } from '../engine/config/resolve-search.js';
import { frontEndEstimate, type FrontEndEstimate } from '../engine/features/front-end-cost.js';
import { frontEndDetails, frontEndLine } from '../engine/features/front-end-text.js';
import type { MfccSettings } from '../engine/features/mfcc.js';
import { mfccSettingsOf } from '../engine/language/audio-settings.js';
import { CORES } from '../engine/resources/cores.js';
import type { DocumentState } from './document-state.js';

export interface SearchFrontEnd {
  readonly settings: MfccSettings;
  readonly estimate: FrontEndEstimate;
  /** Where it runs, when the search resolves. */
  readonly board?: string;
}

/** The MFCC front end of a search's audio dataset and its cost on the search's target. */
export function searchFrontEnd(state: DocumentState, search: SearchDecl): SearchFrontEnd | undefined {
  const d = search.dataset;
  if (d?.kind.value !== 'audio') return undefined;
  return state.memo(`front-end:${search.span.start}`, () => {
    const settings = mfccSettingsOf(d.features);
    const r = resolveSearch(state.analysis.document, search, state.file);
    if (!r.ok) return { settings, estimate: frontEndEstimate(settings) };
    const t = r.config.target;
    return { settings, estimate: frontEndEstimate(settings, CORES[t.core], t.clockHz), board: t.name };
  });
}

export const frontEndLabel = (f: SearchFrontEnd): string => frontEndLine(f.settings, f.estimate);

export function frontEndMarkdown(f: SearchFrontEnd): string {
  return [
    `**MFCC front end**${f.board ? ` on ${f.board}` : ''}, computed on the device before the network:`,
    '',
    ...frontEndDetails(f.settings, f.estimate).map((l) => `- ${l}`),
  ].join('\n');
}
