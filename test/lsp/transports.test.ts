import { fork, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import {
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { bundle, buildServer, CLIENT_CAPABILITIES, LspClient, render } from '../harness/lsp-client.js';

const CLI_ENTRY =
  "import { lspCommand } from './server/src/cli/lsp.ts';\nlspCommand(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n";

describe('transports', () => {
  it('IPC (--node-ipc), as the VS Code client starts it', async () => {
    const script = await buildServer();
    const child = fork(script, ['--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const published = new Promise<PublishDiagnosticsParams>((resolve) =>
      connection.onNotification(PublishDiagnosticsNotification.type, resolve),
    );
    connection.listen();
    const init = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: CLIENT_CAPABILITIES,
    });
    expect(init.capabilities.inlayHintProvider).toBeTruthy();
    await connection.sendNotification(InitializedNotification.type, {});
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri: 'file:///ipc.unas',
        languageId: 'unas',
        version: 1,
        text: 'model m {\n  input 8x8x1\n  gapp\n}\n',
      },
    });
    const p = await published;
    expect(p.version).toBe(1);
    expect(render(p.diagnostics)[0]).toMatch(/^3:3-3:7 error unknown 'gapp': did you mean 'gap'\?/);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    expect(await exited).toBe(0);
    connection.dispose();
  });

  it('`unas lsp --stdio` (server/src/cli/lsp.ts) serves the same protocol', async () => {
    const script = await bundle('', 'cli-lsp.js', CLI_ENTRY);
    const { client, init } = await LspClient.start({ script, args: ['--stdio'] });
    expect(init.serverInfo?.name).toBe('unas-language-server');
    const uri = await client.open(
      'search s {\n  dataset mnist\n  space { }\n  constraints { ram <= 8 kb }\n}\n',
    );
    expect(render(await client.diagnostics(uri, 1))).toEqual([
      "4:26-4:28 error unknown unit 'kb': did you mean 'KB'?",
    ]);
    expect((await client.inlayHints(uri))?.length).toBe(1);
    expect(await client.stop()).toBe(0);
  });

  it('`unas lsp` rejects unknown options with a usage error', async () => {
    const script = await bundle('', 'cli-lsp.js', CLI_ENTRY);
    const r = spawnSync(process.execPath, [script, '--tcp'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--tcp'");
  });
});
