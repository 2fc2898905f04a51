import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/**
 * A real, throw-away `redis-server` (Debian's; scripts/setup.sh installs it) on a free loopback
 * port, without persistence. `stop()` and `start()` again on the same port simulate an outage
 * (the data is gone, as after a restart of an unpersisted Redis).
 */
export class RedisServer {
  private proc: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly extra: readonly string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `extra`: more redis-server options, e.g. `['--requirepass', 'secret']`. */
  static async start(extra: readonly string[] = []): Promise<RedisServer> {
    const r = new RedisServer(await freePort(), extra);
    await r.start();
    return r;
  }

  async start(): Promise<void> {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--logfile',
        '',
        ...this.extra,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.proc = proc;
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    // Ready when it answers PING (polled: the server gives no other signal).
    for (let i = 0; i < 200 && !exited; i++) {
      if (await ping(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  /** Freezes it (SIGSTOP): connections stay open but nothing answers — Redis unreachable. */
  pause(): void {
    this.proc?.kill('SIGSTOP');
  }

  resume(): void {
    this.proc?.kill('SIGCONT');
  }

  /** Kills it (SIGKILL: no goodbye to the clients) and waits for the process to end. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((res) => {
      p.once('exit', () => res());
      p.kill('SIGKILL');
    });
  }
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** True when a Redis on this port answers PING (+PONG, or -NOAUTH when it has a password). */
function ping(port: number): Promise<boolean> {
  return new Promise((res) => {
    const c = createConnection({ port, host: '127.0.0.1' });
    let data = '';
    c.once('error', () => res(false));
    c.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n')) {
        c.destroy();
        res(data.startsWith('+PONG') || data.startsWith('-NOAUTH'));
      }
    });
    c.once('connect', () => c.write('PING\r\n'));
  });
}
