// Throwaway Redis and PostgreSQL servers for the queue-mode e2e suite: Debian's packages (installed by
// scripts/ensure-queue-services.sh), started here on free loopback ports with their data in temp dirs,
// never the system services. PostgreSQL refuses to run as root: under root both servers run as an
// unprivileged system user (postgres / redis, created by the packages; else nobody).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './lines';
import { freePort, pollUntil, runCommand, stopProcess, tail, trackedSpawn } from './proc';

export interface RunningService {
  host: string;
  port: number;
  log(): string;
  stop(): Promise<void>;
}

/** Runs scripts/ensure-queue-services.sh (a no-op when both servers are installed). */
export function ensureQueueServices(): void {
  execFileSync('sh', [path.join(REPO_ROOT, 'scripts', 'ensure-queue-services.sh')], { stdio: ['ignore', 2, 2], timeout: 15 * 60 * 1000 });
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Under root: [runuser -u <user> --] and the user that must own the data dir; otherwise nothing. */
function dropPrivileges(preferred: string): { prefix: string[]; user?: string } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { prefix: [] };
  const user = [preferred, 'nobody'].find(userExists);
  if (!user) throw new Error(`running as root and neither ${preferred} nor nobody exists to run the server as`);
  return { prefix: ['runuser', '-u', user, '--'], user };
}

function chownTo(dir: string, user: string | undefined): void {
  if (user) execFileSync('chown', ['-R', `${user}:`, dir]);
}

function spawnService(name: string, cmd: string[], env: NodeJS.ProcessEnv) {
  const child = trackedSpawn(cmd[0], cmd.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const failIfExited = () => {
    if (exited()) throw Object.assign(new Error(`${name} exited early (${child.exitCode ?? child.signalCode}):\n${tail(out)}`), { fatal: true });
  };
  return { child, log: () => out, failIfExited };
}

/** redis-server on 127.0.0.1:<free port>, no persistence, data dir in a temp folder. */
export async function startRedis(): Promise<RunningService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbridge-redis-'));
  const { prefix, user } = dropPrivileges('redis');
  chownTo(dir, user);
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];
  const svc = spawnService('redis-server', [...prefix, 'redis-server', ...args], process.env);
  await pollUntil(
    `redis-server on 127.0.0.1:${port}`,
    async () => {
      svc.failIfExited();
      const r = await runCommand('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { env: process.env, timeoutMs: 5000 });
      return r.stdout.trim() === 'PONG' ? true : undefined;
    },
    30_000,
    100,
  );
  return {
    host: '127.0.0.1',
    port,
    log: svc.log,
    stop: async () => {
      await stopProcess(svc.child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'bin', 'postgres'))) : [];
  if (!majors.length) throw new Error('PostgreSQL is not installed: run scripts/ensure-queue-services.sh');
  majors.sort((a, b) => Number(b) - Number(a));
  return path.join(root, majors[0], 'bin');
}

export interface RunningPostgres extends RunningService {
  user: string;
  database: string;
}

/**
 * A fresh cluster (initdb, trust auth on loopback only) on 127.0.0.1:<free port>; durability switched off
 * (fsync, synchronous_commit, full_page_writes): a test database, thrown away afterwards.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'authbridge-pg-'));
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'sock');
  fs.mkdirSync(socketDir);
  const { prefix, user } = dropPrivileges('postgres');
  chownTo(root, user);
  const bin = postgresBinDir();
  const env = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
  const initdb = [...prefix, path.join(bin, 'initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'];
  const init = await runCommand(initdb[0], initdb.slice(1), { env, timeoutMs: 120_000 });
  if (init.code !== 0) throw new Error(`initdb failed (${init.code}):\n${tail(init.stdout + init.stderr)}`);
  const port = await freePort();
  const args = [
    path.join(bin, 'postgres'),
    '-D', dataDir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${socketDir}`,
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'max_connections=100',
  ];
  const svc = spawnService('postgres', [...prefix, ...args], env);
  await pollUntil(
    `postgres on 127.0.0.1:${port}`,
    async () => {
      svc.failIfExited();
      const r = await runCommand(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { env, timeoutMs: 5000 });
      return r.code === 0 ? true : undefined;
    },
    60_000,
    150,
  );
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    log: svc.log,
    stop: async () => {
      await stopProcess(svc.child);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs one SQL statement with psql against the test server; returns its unaligned, tuples-only output. */
export async function psql(pg: RunningPostgres, sql: string): Promise<string> {
  const r = await runCommand('psql', ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: process.env,
    timeoutMs: 30_000,
  });
  if (r.code !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout;
}
