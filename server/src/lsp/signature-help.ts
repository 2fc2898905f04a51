import {
  MarkupKind,
  type ParameterInformation,
  type Position,
  type SignatureHelp,
} from 'vscode-languageserver';
import { specOf } from '../engine/language/schema.js';
import type { DocumentState } from './document-state.js';
import { locate } from './syntax-locate.js';

export const SIGNATURE_TRIGGERS = [' '];
export const SIGNATURE_RETRIGGERS = ['|', ',', '.'];

/**
 * Value help while writing a statement's arguments: its usage string from the schema, the
 * argument being written highlighted, and what a range or a choice list means.
 */
export function signatureHelp(state: DocumentState, position: Position): SignatureHelp | null {
  const offset = state.offset(position);
  const at = locate(state.analysis.document.syntax, offset, true);
  if (!at.statement || at.inHead || at.inComment) return null;
  const spec = specOf(at.context, at.statement.head.text);
  if (!spec) return null;
  const label = spec.usage;
  const parameters = parametersOf(label);
  const notes = [spec.doc];
  if (label.includes('..'))
    notes.push('A range `MIN..MAX` includes both ends; a single number `N` means `N..N`.');
  if (/ \| /.test(label) && !label.includes('<='))
    notes.push(
      'Choices are separated by `|` and may carry weights: `a 30% | b` (unweighted choices share what is left).',
    );
  if (label.includes('[soft]')) notes.push('Hard by default: `soft` makes the limit a penalty.');
  // Every argument written so far but separators: `ram <= 8 |` is at the unit.
  const typed = at.before.filter(
    (a) => a.kind !== 'comma' && a.kind !== 'pipe' && a.kind !== 'dotdot' && a.kind !== 'percent',
  ).length;
  return {
    signatures: [
      { label, documentation: { kind: MarkupKind.Markdown, value: notes.join('\n\n') }, parameters },
    ],
    activeSignature: 0,
    activeParameter: parameters.length ? Math.min(typed, parameters.length - 1) : 0,
  };
}

/** The argument placeholders of a usage string, as [start, end) offsets into it. */
function parametersOf(usage: string): ParameterInformation[] {
  const out: ParameterInformation[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  let first = true;
  while ((m = re.exec(usage))) {
    if (first) {
      first = false;
      continue;
    }
    if (m[0] === '{' || m[0].startsWith('{')) break;
    if (m[0] === '|' || m[0] === '…' || m[0] === ',') continue;
    out.push({ label: [m.index, m.index + m[0].length] });
  }
  return out;
}
