import { guardedConnection } from '../lsp/message-guard.js';
import { startLanguageServer } from '../lsp/server.js';
import { createServices } from '../services.js';

const USAGE = `usage: unas lsp [--stdio | --node-ipc]

Runs the μNAS language server (diagnostics, inline estimates, completion, hover, formatting…)
for any LSP client. --stdio (the default) speaks JSON-RPC on stdin/stdout; --node-ipc is for a
client that forked this process with an IPC channel. See docs/editors.md.
`;

/**
 * `unas lsp --stdio`: the same server as the extension's, for Neovim and other LSP clients.
 * Resolves when the client ends the session (the library exits the process on `exit`).
 */
export async function lspCommand(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = args.filter(
    (a) => a !== '--stdio' && a !== '--node-ipc' && !a.startsWith('--clientProcessId'),
  );
  if (unknown.length) {
    process.stderr.write(`unas lsp: unknown option '${unknown[0]}'\n\n${USAGE}`);
    return 2;
  }
  const ipc = args.includes('--node-ipc');
  if (ipc && !process.send) {
    process.stderr.write('unas lsp: --node-ipc needs a parent process with an IPC channel\n');
    return 2;
  }
  const connection = guardedConnection(ipc ? 'node-ipc' : 'stdio');
  return new Promise<number>((resolve) => {
    connection.onExit(() => resolve(0));
    startLanguageServer(connection, createServices());
  });
}
