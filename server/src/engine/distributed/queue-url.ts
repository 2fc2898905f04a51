import type { RedisOptions } from 'bullmq';

/** Where the training queue lives: `redis://[user:pass@]host:port[/db]`, or `rediss://` for TLS. */
export interface QueueUrl {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** The URL without its password, for messages and logs. */
  readonly display: string;
}

export type ParsedUrl = { ok: true; url: QueueUrl } | { ok: false; error: string };

/** Parses and checks a queue URL; the error says what is wrong with it (never echoes a password). */
export function parseQueueUrl(text: string): ParsedUrl {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return {
      ok: false,
      error: `'${redact(text)}' is not a URL; expected redis://[user:pass@]host:port[/db]`,
    };
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    return {
      ok: false,
      error: `the queue URL must start with redis:// or rediss:// (TLS), not ${u.protocol}//`,
    };
  if (!u.hostname) return { ok: false, error: 'the queue URL has no host' };
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15 || !/^\d*$/.test(dbText))
    return { ok: false, error: `the queue URL's database must be a number 0..15, not '${dbText}'` };
  if (u.search || u.hash) return { ok: false, error: 'the queue URL takes no ?query or #fragment' };
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const display = `${u.protocol}//${username ? `${username}@` : ''}${u.host}${db ? `/${db}` : ''}`;
  return {
    ok: true,
    url: {
      tls: u.protocol === 'rediss:',
      host,
      port,
      db,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      display,
    },
  };
}

/**
 * ioredis options for BullMQ: commands wait while Redis is away (offline queue, no retry limit),
 * and the client reconnects forever with a capped back-off — a restart costs time, not the search.
 */
export function redisOptions(url: QueueUrl): RedisOptions {
  return {
    host: url.host,
    port: url.port,
    db: url.db,
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    ...(url.tls ? { tls: { servername: url.host } } : {}),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  };
}

function redact(text: string): string {
  return text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Errors that waiting will not cure (wrong password, missing ACL rights): reported, not retried. */
export function isConfigurationError(e: Error): boolean {
  return /WRONGPASS|NOAUTH|NOPERM|invalid password|ERR AUTH/i.test(e.message);
}
