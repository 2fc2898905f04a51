import type { ArchGraph } from '../arch/graph.js';
import type { ModelDecl, UnasDocument } from './ast.js';
import { diag, type Diagnostic } from './diagnostics.js';
import { lowerDocument } from './lower.js';
import { parseSyntax } from './parser.js';
import { validate, type BoardLookup, type Checks } from './validator.js';

export interface Analysis {
  readonly document: UnasDocument;
  /** Syntax, lowering and validation findings, in document order. */
  readonly diagnostics: readonly Diagnostic[];
  readonly graphs: ReadonlyMap<ModelDecl, ArchGraph>;
}

export interface AnalyzeOptions {
  readonly boards?: BoardLookup;
  readonly checks?: Checks;
}

/** Parse, lower and validate a `.unas` text. Total: never throws, whatever the input. */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const syntax = parseSyntax(text);
  const { document, diagnostics } = lowerDocument(syntax);
  const all: Diagnostic[] = syntax.errors.map((e) => diag(e, 'syntax', e.message)).concat(diagnostics);
  const graphs = validate(document, (d) => all.push(d), options);
  all.sort((a, b) => a.start - b.start || a.end - b.end);
  return { document, diagnostics: all, graphs };
}
