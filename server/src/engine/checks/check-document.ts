import type { Diagnostic } from '../language/diagnostics.js';
import { DocumentFacts } from './document-facts.js';
import type { CheckEnvironment } from './environment.js';
import { resourceFindings, type Finding } from './resource-checks.js';

/**
 * Every finding of a document version: syntax, lowering and validation (the analysis), then the
 * resource checks, in document order. The one list the editor publishes and `unas check` and
 * `unas estimate` print, so they always agree.
 */
export function documentFindings(facts: DocumentFacts): readonly (Diagnostic | Finding)[] {
  return facts.memo('findings', () =>
    [...facts.analysis.diagnostics, ...resourceFindings(facts)].sort(
      (a, b) => a.start - b.start || a.end - b.end,
    ),
  );
}

/** Checks one `.unas` text (at `file`, against which its dataset paths resolve). Never throws. */
export function checkDocument(
  text: string,
  env: CheckEnvironment,
  file?: string,
): { readonly facts: DocumentFacts; readonly findings: readonly (Diagnostic | Finding)[] } {
  const facts = new DocumentFacts(text, env, file);
  return { facts, findings: documentFindings(facts) };
}
