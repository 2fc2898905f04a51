import { TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../engine/language/analyze.js';
import { toLspDiagnostic } from './convert.js';

/** Wires the engine to an LSP connection. Plain LSP only: any client can use it. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);

  connection.onInitialize(() => ({
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'unas-language-server' },
  }));

  const publish = (doc: TextDocument) => {
    const text = doc.getText();
    const { diagnostics } = analyze(text);
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnostics.map((d) => toLspDiagnostic(doc, d)) });
  };
  documents.onDidChangeContent((e) => publish(e.document));
  documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));

  documents.listen(connection);
  connection.listen();
}
