import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/server.js';

// The language server process: stdio or IPC, chosen by the client's command-line flags.
startServer(createConnection(ProposedFeatures.all));
