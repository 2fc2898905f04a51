import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { guardedConnection } from './lsp/message-guard.js';
import { startLanguageServer } from './lsp/server.js';
import { createServices } from './services.js';

// The language server process: stdio (`--stdio`), IPC (`--node-ipc`) or a socket, as the client's
// command line says. Everything else is in lsp/server.ts and services.ts.
// stdio and IPC go through the framing and lifecycle guards (lsp/message-guard.ts).
const transport = process.argv.includes('--node-ipc')
  ? 'node-ipc'
  : process.argv.includes('--stdio')
    ? 'stdio'
    : undefined;
const connection = transport ? guardedConnection(transport) : createConnection(ProposedFeatures.all);
process.on('uncaughtException', (e) => connection.console.error(`unas: uncaught ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) =>
  connection.console.error(
    `unas: unhandled rejection ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
  ),
);
startLanguageServer(connection, createServices());
