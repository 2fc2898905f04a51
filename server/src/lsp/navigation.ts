import {
  ErrorCodes,
  ResponseError,
  type Location,
  type Position,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { isHead } from '../engine/language/schema.js';
import type { DocumentState } from './document-state.js';
import { occurrenceAt, sameSymbol } from './symbol-index.js';

/** Go to definition, find references and rename for models, spaces and searches. */

export function definition(state: DocumentState, position: Position): Location[] | null {
  const o = occurrenceAt(state, state.offset(position));
  if (!o) return null;
  const decls = sameSymbol(state, o).filter((x) => x.declaration);
  return decls.length ? decls.map((d) => ({ uri: state.uri, range: state.range(d.span) })) : null;
}

export function references(
  state: DocumentState,
  position: Position,
  includeDeclaration: boolean,
): Location[] | null {
  const o = occurrenceAt(state, state.offset(position));
  if (!o) return null;
  return sameSymbol(state, o)
    .filter((x) => includeDeclaration || !x.declaration)
    .map((x) => ({ uri: state.uri, range: state.range(x.span) }));
}

export function prepareRename(
  state: DocumentState,
  position: Position,
): { range: Range; placeholder: string } | null {
  const o = occurrenceAt(state, state.offset(position));
  return o ? { range: state.range(o.span), placeholder: o.name } : null;
}

const NAME = /^[A-Za-z_μµ](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9_]))*$/;

/** Why `name` cannot name a symbol of `kind`, or undefined when it can. */
export function invalidName(
  state: DocumentState,
  kind: string,
  current: string,
  name: string,
): string | undefined {
  if (!NAME.test(name))
    return `'${name}' is not a name: use letters, digits, '_' and inner '-', starting with a letter`;
  // A name that starts a statement would split `baseline NAME` / `model NAME {` in two.
  if (isHead('document', name) || isHead('search', name))
    return `'${name}' is a keyword of the language and cannot be a name`;
  if (
    name !== current &&
    state.analysis.document[kind === 'model' ? 'models' : kind === 'space' ? 'spaces' : 'searches'].some(
      (x) => x.name?.name === name,
    )
  ) {
    return `a ${kind} named '${name}' already exists`;
  }
  return undefined;
}

export function rename(
  state: DocumentState,
  position: Position,
  newName: string,
): WorkspaceEdit | ResponseError {
  const o = occurrenceAt(state, state.offset(position));
  if (!o)
    return new ResponseError(
      ErrorCodes.InvalidRequest,
      'nothing to rename here: place the cursor on a search, model or space name',
    );
  const problem = invalidName(state, o.kind, o.name, newName);
  if (problem) return new ResponseError(ErrorCodes.InvalidParams, problem);
  return {
    changes: {
      [state.uri]: sameSymbol(state, o).map((x) => ({ range: state.range(x.span), newText: newName })),
    },
  };
}
