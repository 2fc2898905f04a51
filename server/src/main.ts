import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/server.js';
import { createServices } from './services.js';

// The language server process: stdio (`--stdio`), IPC (`--node-ipc`) or a socket, as the client's
// command line says. Everything else is in lsp/server.ts and services.ts.
const connection = createConnection(ProposedFeatures.all);
process.on('uncaughtException', (e) => connection.console.error(`unas: uncaught ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) =>
  connection.console.error(
    `unas: unhandled rejection ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
  ),
);
startLanguageServer(connection, createServices());
