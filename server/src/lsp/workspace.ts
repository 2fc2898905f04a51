import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { UnasServices } from '../services.js';
import { DocumentState } from './document-state.js';

/**
 * The open documents (kept up to date by `TextDocuments` from incremental changes) and one
 * {@link DocumentState} per current version, created on first use.
 */
export class Workspace {
  private readonly states = new Map<string, DocumentState>();

  constructor(
    readonly documents: TextDocuments<TextDocument>,
    private readonly services: UnasServices,
  ) {}

  /** The current version's state, or undefined when the document is not open. */
  get(uri: string): DocumentState | undefined {
    const doc = this.documents.get(uri);
    if (!doc) {
      this.states.delete(uri);
      return undefined;
    }
    const text = doc.getText();
    let s = this.states.get(uri);
    if (!s || s.version !== doc.version || s.text !== text) {
      s = new DocumentState(uri, doc.version, text, this.services);
      this.states.set(uri, s);
    }
    return s;
  }

  /** The version the editor holds now (to tell whether a computation is stale). */
  version(uri: string): number | undefined {
    return this.documents.get(uri)?.version;
  }

  forget(uri: string): void {
    this.states.delete(uri);
  }
}
