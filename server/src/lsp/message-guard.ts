import { format } from 'node:util';
import {
  AbstractMessageReader,
  createConnection,
  ErrorCodes,
  IPCMessageReader,
  IPCMessageWriter,
  ProposedFeatures,
  StreamMessageWriter,
  type Connection,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';

/**
 * The server's boundary with its client, below the LSP library: what arrives is untrusted bytes.
 *
 * `FramedStreamReader` reads the base protocol strictly (`Header: value\r\n` lines, a required
 * `Content-Length`, `\r\n\r\n`, a UTF-8 JSON body). A frame it cannot read is unrecoverable — the
 * next frame's start is unknown — so it reports it once through `onFatal`, and the host exits
 * non-zero so that the client restarts the server instead of talking to a deaf one.
 *
 * `LifecycleGate` admits only well-formed JSON-RPC 2.0 messages and enforces the LSP lifecycle:
 * malformed requests get InvalidRequest, requests before `initialize` ServerNotInitialized
 * (-32002), requests after `shutdown` InvalidRequest; notifications in those states are dropped
 * (`exit` always passes).
 */

/** Largest header block; real ones are under 100 bytes. */
const MAX_HEADER_BYTES = 8 * 1024;
/** Largest message body accepted (a document of tens of MB is already far beyond any `.unas` file). */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

const CRLF2 = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

export class FramedStreamReader extends AbstractMessageReader implements MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private bodyLength: number | undefined;
  private failed = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly readable: NodeJS.ReadableStream,
    private readonly onFatal: (reason: string) => void,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer | string): void => {
      if (this.failed) return;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      this.pending.push(bytes);
      this.pendingBytes += bytes.length;
      // A large body arrives in many chunks: join them once it is complete, not on every chunk.
      if (this.bodyLength !== undefined && this.buffer.length + this.pendingBytes < this.bodyLength) return;
      this.buffer = Buffer.concat([this.buffer, ...this.pending]);
      this.pending = [];
      this.pendingBytes = 0;
      this.drain(callback);
    };
    const onEnd = (): void => this.fireClose();
    const onError = (e: Error): void => this.fireError(e);
    this.readable.on('data', onData);
    this.readable.on('end', onEnd);
    this.readable.on('close', onEnd);
    this.readable.on('error', onError);
    return {
      dispose: () => {
        this.readable.off('data', onData);
        this.readable.off('end', onEnd);
        this.readable.off('close', onEnd);
        this.readable.off('error', onError);
      },
    };
  }

  private drain(callback: DataCallback): void {
    while (!this.failed) {
      if (this.bodyLength === undefined) {
        const end = this.buffer.indexOf(CRLF2);
        const head = this.buffer.subarray(0, end < 0 ? this.buffer.length : end).toString('latin1');
        // A bare LF in a header, or a header block that never ends, cannot be resynchronised.
        const lf = /(^|[^\r])\n/.exec(head);
        if (lf) return this.fail('a header line ends in LF without CR');
        if (end < 0) {
          if (this.buffer.length > MAX_HEADER_BYTES)
            return this.fail(`no end of headers (\\r\\n\\r\\n) within ${MAX_HEADER_BYTES} bytes`);
          return;
        }
        const length = this.contentLength(head);
        if (length === undefined) return;
        this.bodyLength = length;
        this.buffer = this.buffer.subarray(end + 4);
      }
      if (this.buffer.length < this.bodyLength) return;
      const body = this.buffer.subarray(0, this.bodyLength);
      // A view keeps its whole parent alive: once everything is read, drop the (maybe large) buffer.
      this.buffer = this.buffer.length > this.bodyLength ? this.buffer.subarray(this.bodyLength) : EMPTY;
      this.bodyLength = undefined;
      let message: unknown;
      try {
        message = JSON.parse(this.decoder.decode(body));
      } catch {
        return this.fail('a message body is not UTF-8 JSON (a wrong Content-Length?)');
      }
      callback(message as Message);
    }
  }

  /** The Content-Length of a header block, or undefined after reporting a bad one. */
  private contentLength(head: string): number | undefined {
    let length: number | undefined;
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) return void this.fail(`malformed header line '${line.slice(0, 60)}'`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_BODY_BYTES)
          return void this.fail(
            `Content-Length '${value.slice(0, 20)}' is not a length up to ${MAX_BODY_BYTES}`,
          );
        length = Number(value);
      } else if (name === 'content-type' && /charset=/i.test(value) && !/charset=["']?utf-?8/i.test(value)) {
        return void this.fail(`unsupported charset in Content-Type '${value.slice(0, 60)}'`);
      }
    }
    if (length === undefined) return void this.fail('a header block has no Content-Length');
    return length;
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.buffer = Buffer.alloc(0);
    this.fireError(new Error(reason));
    this.onFatal(`unrecoverable framing error: ${reason}`);
  }
}

type Phase = 'uninitialized' | 'running' | 'shut down';

const isId = (id: unknown): id is string | number =>
  typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));

export class LifecycleGate extends AbstractMessageReader implements MessageReader {
  private phase: Phase = 'uninitialized';

  get shutDown(): boolean {
    return this.phase === 'shut down';
  }

  constructor(
    private readonly inner: MessageReader,
    private readonly writer: MessageWriter,
  ) {
    super();
    inner.onError((e) => this.fireError(e));
    inner.onClose(() => this.fireClose());
    inner.onPartialMessage((info) => this.firePartialMessage(info));
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      if (this.admit(message)) callback(message);
    });
  }

  override dispose(): void {
    super.dispose();
    this.inner.dispose();
  }

  /** Whether `message` goes on to the server; otherwise it was answered or dropped here. */
  private admit(message: unknown): boolean {
    if (typeof message !== 'object' || message === null || Array.isArray(message))
      return this.reject(null, 'a message must be a JSON object (batches are not part of LSP)');
    const m = message as Record<string, unknown>;
    const id = m['id'];
    if (m['jsonrpc'] !== '2.0') return this.reject(isId(id) ? id : null, "jsonrpc must be '2.0'");
    if (!('method' in m)) {
      // A response to one of the server's requests.
      if (isId(id) && ('result' in m || 'error' in m)) return true;
      return this.reject(isId(id) ? id : null, 'a message needs a method, or an id and a result or error');
    }
    const method = m['method'];
    if (typeof method !== 'string') return this.reject(isId(id) ? id : null, 'method must be a string');
    if (id !== undefined && !isId(id)) return this.reject(null, 'id must be a string or a number');
    if ('params' in m && (typeof m['params'] !== 'object' || m['params'] === null))
      return this.reject(isId(id) ? id : null, 'params must be an object or an array');
    const request = id !== undefined;
    if (method === 'exit') return true;
    if (this.phase === 'uninitialized') {
      if (request && method === 'initialize') {
        this.phase = 'running';
        return true;
      }
      if (request) this.answer(id, ErrorCodes.ServerNotInitialized, `'${method}' before initialize`);
      return false;
    }
    if (this.phase === 'shut down') {
      if (request) this.answer(id, ErrorCodes.InvalidRequest, `'${method}' after shutdown`);
      return false;
    }
    if (request && method === 'shutdown') this.phase = 'shut down';
    return true;
  }

  private reject(id: string | number | null, message: string): false {
    this.answer(id, ErrorCodes.InvalidRequest, message);
    return false;
  }

  private answer(id: string | number | null, code: number, message: string): void {
    void this.writer
      .write({ jsonrpc: '2.0', id, error: { code, message } } as Message)
      .catch(() => undefined);
  }
}

/**
 * The server's connection over stdio or Node IPC with both guards in place. On a framing error or
 * the end of input it exits the process: 0 after a `shutdown`, else 1 (as the LSP spec asks).
 */
export function guardedConnection(transport: 'stdio' | 'node-ipc'): Connection {
  const exit = (code: number, why?: string): never => {
    if (why) process.stderr.write(`unas language server: ${why}; exiting\n`);
    process.exit(code);
  };
  if (transport === 'node-ipc') {
    const writer = new IPCMessageWriter(process);
    const gate = new LifecycleGate(new IPCMessageReader(process), writer);
    return createConnection(ProposedFeatures.all, gate, writer);
  }
  const writer = new StreamMessageWriter(process.stdout);
  const gate = new LifecycleGate(new FramedStreamReader(process.stdin, (reason) => exit(1, reason)), writer);
  gate.onClose(() => exit(gate.shutDown ? 0 : 1));
  const connection = createConnection(ProposedFeatures.all, gate, writer);
  // stdout carries the protocol: anything logged goes to the client's log instead.
  console.log = (...a: unknown[]) => connection.console.log(format(...a));
  console.info = (...a: unknown[]) => connection.console.info(format(...a));
  console.warn = (...a: unknown[]) => connection.console.warn(format(...a));
  console.error = (...a: unknown[]) => connection.console.error(format(...a));
  return connection;
}
