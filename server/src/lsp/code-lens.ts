import type { CodeLens } from 'vscode-languageserver';
import type { DocumentState } from './document-state.js';

/**
 * Commands the client runs (the server only offers them): on each search "▶ Start search" and
 * "Estimate space", on each model "Estimate". Arguments: [document uri, name]. ("Export" joins
 * them when the exporter exists.)
 */
export const LENS_COMMANDS = {
  startSearch: 'unas.startSearch',
  estimateSpace: 'unas.estimateSpace',
  estimateModel: 'unas.estimateModel',
} as const;

export function codeLenses(state: DocumentState): CodeLens[] {
  const doc = state.analysis.document;
  const out: CodeLens[] = [];
  const lens = (span: { start: number; end: number }, title: string, command: string, name: string) =>
    out.push({ range: state.range(span), command: { title, command, arguments: [state.uri, name] } });
  for (const s of doc.searches) {
    const at = { start: s.span.start, end: s.name.span.end };
    lens(at, '▶ Start search', LENS_COMMANDS.startSearch, s.name.name);
    lens(at, 'Estimate space', LENS_COMMANDS.estimateSpace, s.name.name);
  }
  for (const m of doc.models) {
    const at = { start: m.span.start, end: m.name.span.end };
    lens(at, 'Estimate', LENS_COMMANDS.estimateModel, m.name.name);
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line);
}
