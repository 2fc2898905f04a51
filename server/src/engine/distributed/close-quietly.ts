type Emitter = {
  emit: (e: string | symbol, ...a: unknown[]) => boolean;
  listenerCount: (e: string) => number;
  _client?: { disconnect?: () => void };
};

/**
 * Closes a BullMQ Queue, QueueEvents or Worker whose connection may never have got past its
 * handshake (a wrong password). BullMQ 5 then waits for that handshake forever in `close()`, and
 * reports its failure after close has removed the listeners (an uncaught 'error'). So: late errors
 * nobody listens to are dropped, and a close that has not finished in `ms` drops the sockets.
 */
export async function closeQuietly(
  b: { close(force?: boolean): Promise<void> },
  force = false,
  ms = 2000,
): Promise<void> {
  const connections = ['connection', 'blockingConnection'].flatMap((key) => {
    const c = (b as unknown as Record<string, Emitter | undefined>)[key];
    return c && typeof c.emit === 'function' ? [c] : [];
  });
  for (const c of connections) {
    const emit = c.emit.bind(c);
    c.emit = (event, ...args) =>
      event === 'error' && c.listenerCount('error') === 0 ? false : emit(event, ...args);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((res) => (timer = setTimeout(() => res('late'), ms)));
  const r = await Promise.race([b.close(force).catch(() => undefined), late]);
  clearTimeout(timer);
  if (r === 'late') for (const c of connections) c._client?.disconnect?.();
}
