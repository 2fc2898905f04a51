import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamMessageWriter, type Message } from 'vscode-languageserver/node';
import { FramedStreamReader, LifecycleGate } from '../../server/src/lsp/message-guard.js';
import { malformedFrames } from '../harness/hostile-documents.js';
import { buildServer } from '../harness/lsp-client.js';

/**
 * Hostile JSON-RPC: broken framing makes the server exit non-zero (so the client restarts it);
 * malformed messages and requests outside the lifecycle get the errors the LSP spec names.
 */

const frame = (body: string, header?: string): Buffer => {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(header ?? `Content-Length: ${bytes.length}\r\n\r\n`, 'latin1'), bytes]);
};
const json = (m: unknown): Buffer => frame(JSON.stringify(m));
const fields = (m: Message) => m as unknown as { method?: string; id?: unknown };

/** Reads the frames a server writes (its own framing is trusted here: it is what we test against). */
function responses(stream: NodeJS.ReadableStream): { messages: Message[]; next: () => Promise<Message> } {
  const messages: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  let buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, end).toString())![1]);
      if (buffer.length < end + 4 + length) return;
      const m = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as Message;
      buffer = buffer.subarray(end + 4 + length);
      const w = waiters.shift();
      if (w) w(m);
      else messages.push(m);
    }
  });
  return {
    messages,
    next: () => {
      const m = messages.shift();
      return m ? Promise.resolve(m) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** An in-process guard pair on a pipe: what passes the guards, and what they answered. */
function guarded() {
  const input = new PassThrough();
  const output = new PassThrough();
  const fatal: string[] = [];
  const passed: Message[] = [];
  const gate = new LifecycleGate(
    new FramedStreamReader(input, (reason) => fatal.push(reason)),
    new StreamMessageWriter(output),
  );
  gate.listen((m) => passed.push(m));
  return { input, fatal, passed, answers: responses(output) };
}

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { processId: null, rootUri: null, capabilities: {} },
};

describe('framing', () => {
  it('reads frames split anywhere and joined together, with a UTF-8 body', () => {
    const g = guarded();
    const bytes = Buffer.concat([
      json(INIT),
      json({ jsonrpc: '2.0', method: 'x/é', params: { t: 'μ\ud800' } }),
    ]);
    for (let i = 0; i < bytes.length; i += 7) g.input.write(bytes.subarray(i, i + 7));
    expect(g.fatal).toEqual([]);
    expect(g.passed.map((m) => fields(m).method)).toEqual(['initialize', 'x/é']);
  });

  const broken: [string, Buffer][] = [
    [
      'a Content-Length one byte short',
      frame(JSON.stringify(INIT), `Content-Length: ${JSON.stringify(INIT).length - 1}\r\n\r\n`),
    ],
    [
      'a header without Content-Length',
      frame(JSON.stringify(INIT), 'Content-Type: application/vscode-jsonrpc\r\n\r\n'),
    ],
    ['an LF-only header', frame(JSON.stringify(INIT), `Content-Length: ${JSON.stringify(INIT).length}\n\n`)],
    ['a non-numeric Content-Length', frame('{}', 'Content-Length: 1e3\r\n\r\n')],
    ['a body that is not UTF-8', frame('', 'Content-Length: 2\r\n\r\n\xff\xfe')],
    ['a header that never ends', Buffer.from(`X-Junk: ${'a'.repeat(10_000)}`)],
  ];
  for (const [name, bytes] of broken) {
    it(`${name} is reported once as fatal`, () => {
      const g = guarded();
      g.input.write(bytes);
      g.input.write(json(INIT));
      expect(g.fatal).toHaveLength(1);
      expect(g.fatal[0]).toMatch(/^unrecoverable framing error: /);
      expect(g.passed).toEqual([]);
    });
  }
});

describe('lifecycle and malformed messages', () => {
  it('answers what the server must not see, with the LSP error codes', async () => {
    const g = guarded();
    const { next } = g.answers;
    g.input.write(json({ jsonrpc: '2.0', id: 7, method: 'textDocument/hover', params: {} }));
    expect(await next()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32002, message: "'textDocument/hover' before initialize" },
    });
    g.input.write(json({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: {} }));
    g.input.write(json(INIT));
    g.input.write(json({ jsonrpc: '2.0', id: { a: 1 }, method: 'shutdown' }));
    expect(await next()).toMatchObject({ id: null, error: { code: -32600 } });
    g.input.write(json({ jsonrpc: '2.0', id: 8, method: 42 }));
    expect(await next()).toMatchObject({
      id: 8,
      error: { code: -32600, message: 'method must be a string' },
    });
    g.input.write(json([INIT]));
    expect(await next()).toMatchObject({ id: null, error: { code: -32600 } });
    g.input.write(json({ id: 9, method: 'shutdown' }));
    expect(await next()).toMatchObject({ id: 9, error: { code: -32600 } });
    g.input.write(json({ jsonrpc: '2.0', id: 10, method: 'shutdown' }));
    g.input.write(json({ jsonrpc: '2.0', id: 11, method: 'textDocument/hover', params: {} }));
    expect(await next()).toEqual({
      jsonrpc: '2.0',
      id: 11,
      error: { code: -32600, message: "'textDocument/hover' after shutdown" },
    });
    g.input.write(json({ jsonrpc: '2.0', method: 'exit' }));
    expect(g.passed.map((m) => [fields(m).method, fields(m).id])).toEqual([
      ['initialize', 1],
      ['shutdown', 10],
      ['exit', undefined],
    ]);
  });
});

describe('the server process', () => {
  it('exits 1 on a broken frame, with the reason on stderr', async () => {
    const script = await buildServer();
    const child = spawn(process.execPath, [script, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const { next } = responses(child.stdout);
    child.stdin.write(json({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: {} }));
    expect(await next()).toMatchObject({ id: 1, error: { code: -32002 } });
    child.stdin.write(frame('{"jsonrpc":"2.0","id":2,"method":"initialize"}', 'Content-Length: 10\r\n\r\n'));
    expect(await exited).toBe(1);
    expect(stderr).toContain('unrecoverable framing error: a message body is not UTF-8 JSON');
  });
});

describe('the 70 generated malformed frames', () => {
  const frames = malformedFrames();

  it('through the guards: each broken frame is fatal once, each bad message answered or passed on', () => {
    expect(frames).toHaveLength(70);
    for (const f of frames) {
      const g = guarded();
      g.input.write(json(INIT));
      g.input.write(f.bytes);
      expect({ name: f.name, fatal: g.fatal.length }).toEqual({ name: f.name, fatal: f.fatal ? 1 : 0 });
    }
  });

  it('through a real server: every message with an id is answered, and the server stays up', async () => {
    const script = await buildServer();
    const child = spawn(process.execPath, [script, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const { next } = responses(child.stdout);
    child.stdin.write(json(INIT));
    expect(await next()).toMatchObject({ id: 1, result: { serverInfo: { name: 'unas-language-server' } } });
    child.stdin.write(json({ jsonrpc: '2.0', method: 'initialized', params: {} }));
    const bad = frames.filter((f) => !f.fatal);
    for (const f of bad) child.stdin.write(f.bytes);
    // A final request: once it is answered, every earlier one has been (answers keep order per message here).
    child.stdin.write(json({ jsonrpc: '2.0', id: 'last', method: 'shutdown' }));
    const answered: Message[] = [];
    for (;;) {
      const m = await next();
      if (!('id' in m)) continue;
      answered.push(m);
      if (fields(m).id === 'last') break;
    }
    const sentIds = bad.flatMap((f) => {
      const m = JSON.parse(f.bytes.subarray(f.bytes.indexOf('\r\n\r\n') + 4).toString()) as unknown;
      const id = (m as { id?: unknown } | null)?.id;
      return typeof id === 'string' || typeof id === 'number' ? [id] : [];
    });
    const got = answered.map((m) => fields(m).id);
    for (const id of sentIds) expect(got).toContain(id);
    expect(child.exitCode).toBeNull();
    child.stdin.write(json({ jsonrpc: '2.0', method: 'exit' }));
    expect(await exited).toBe(0);
  });
});
