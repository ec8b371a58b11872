/** @module The real `winnow serve` as a child process on a free port, ready when this resolves (tests and benchmarks). */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stderr so far (its logs). */
  stderr(): string;
  /** SIGTERM (graceful shutdown) and wait for the exit. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now (bound and released by the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `winnow serve ARGS --port <free>` (logs at warn) and polls /readyz until it answers 200.
 * `nodeArgs` go to node itself (`--cpu-prof`, V8 flags), which NODE_OPTIONS does not always allow.
 */
export async function startServe(args: string[], { timeoutMs = 30_000, env = {}, nodeArgs = [] }: { timeoutMs?: number; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, 'bin/winnow.mjs', 'serve', '--port', String(port), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, WINNOW_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`winnow serve exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`);
    try {
      if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`winnow serve not ready after ${timeoutMs} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child, url, stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
