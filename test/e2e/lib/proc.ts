// Process and port helpers for the real-n8n e2e tests.
// Every child is spawned in its own process group (detached) and tracked, so that a test, a failed
// test or the end of the jest process can kill the whole tree (n8n forks helpers; npm forks node-gyp...).
import { spawn, ChildProcess, SpawnOptions } from 'child_process';
import * as net from 'net';

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

/** Last resort: whatever is still running when the jest process exits gets SIGKILL. */
process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

export function trackedSpawn(cmd: string, args: string[], opts: SpawnOptions): ChildProcess {
  const child = spawn(cmd, args, { ...opts, detached: true });
  live.add(child);
  child.on('exit', () => live.delete(child));
  child.on('error', () => live.delete(child));
  return child;
}

/** SIGTERM to the group, then SIGKILL if it has not exited within graceMs. Resolves once the leader exited. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL'); // leader gone: make sure nothing it forked lingers
    live.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => {
    const t = setTimeout(() => resolve('timeout'), graceMs);
    t.unref();
  });
  if ((await Promise.race([exited, timer])) === 'timeout') {
    killGroup(child, 'SIGKILL');
    await exited;
  }
  killGroup(child, 'SIGKILL'); // stragglers in the group (n8n forks)
  live.delete(child);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => stopProcess(c)));
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion (bounded by timeoutMs, then the group is killed) and captures its output. */
export function runCommand(cmd: string, args: string[], opts: SpawnOptions & { timeoutMs: number; input?: string }): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = trackedSpawn(cmd, args, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    // a command that exits before reading its input (pg_isready, redis-cli) must not fail the caller with EPIPE
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // anything the command left behind in its group
      if (timedOut) {
        reject(new Error(`${cmd} ${args.join(' ')} timed out after ${opts.timeoutMs} ms\nstdout:\n${tail(stdout)}\nstderr:\n${tail(stderr)}`));
        return;
      }
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

export function tail(s: string, n = 4000): string {
  return s.length > n ? '...' + s.slice(-n) : s;
}

const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1 (asked from the OS), never the same twice within this process. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address() as net.AddressInfo;
        srv.close(() => resolve(addr.port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` every intervalMs until it returns a value other than undefined, or fails after timeoutMs
 * with the last error. Bounded: no open-ended waiting. A probe error with `fatal: true` ends the wait at once.
 */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      if ((e as { fatal?: boolean }).fatal) throw e; // no point in waiting any longer
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message ?? last}` : ''}`);
    }
    await sleep(intervalMs);
  }
}
