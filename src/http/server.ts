/** @module Run the Hono app on Node's HTTP server, with a bounded graceful stop for SIGTERM. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface DrainResult {
  /** Connections still open at the deadline, closed by force (their requests got no answer). */
  forced: number;
  ms: number;
}

export interface RunningServer {
  url: string;
  /** Stop accepting connections and resolve once in-flight requests have finished. */
  close(): Promise<void>;
  /**
   * Stop accepting, answer what is in flight with `Connection: close`, close keep-alive sockets
   * as soon as they fall idle, and close whatever is still open after `timeoutMs`. Busy keep-alive
   * clients would otherwise keep a closing server answering for as long as they keep sending.
   */
  drain(timeoutMs: number): Promise<DrainResult>;
  /** Close every connection now, answered or not (a second SIGTERM). */
  closeAll(): void;
}

/** Listen on host:port (port 0 = any free port). */
export function startServer(app: Hono, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve(running(server as Server, `http://${shownHost}:${info.port}`));
    }) as Server;
    server.once('error', reject);
  });
}

function running(server: Server, url: string): RunningServer {
  let draining = false;
  const open = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  // Registered after Hono's listener, but headers are written later (the app is async), so every
  // response that starts after the drain began tells its client to close the connection.
  server.on('request', (_req, res) => {
    if (draining) res.setHeader('connection', 'close');
  });
  const closed = new Promise<void>((done) => server.once('close', () => done()));
  return {
    url,
    close: () => new Promise<void>((done, fail) => server.close((err) => (err ? fail(err) : done()))),
    async drain(timeoutMs) {
      const started = performance.now();
      draining = true;
      server.close();
      // A socket whose last response went out before the drain began has no `Connection: close`
      // to end it; sweep idle sockets until none is left.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((done) => { timer = setTimeout(() => done('timeout'), timeoutMs); });
      try {
        const outcome = await Promise.race([closed.then(() => 'closed' as const), deadline]);
        let forced = 0;
        if (outcome === 'timeout') {
          forced = open.size;
          server.closeAllConnections();
          await closed;
        }
        return { forced, ms: performance.now() - started };
      } finally {
        clearInterval(sweep);
        clearTimeout(timer);
      }
    },
    closeAll() {
      draining = true;
      server.close();
      server.closeAllConnections();
    },
  };
}
