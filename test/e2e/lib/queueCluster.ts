// n8n in queue mode, as a self-hoster runs it: Redis + PostgreSQL (lib/queueServices), one main
// (`n8n start`: editor, REST, webhooks; it only enqueues) and N workers (`n8n worker`), every process
// with its own user folder holding the same community packages under .n8n/nodes, the same
// N8N_ENCRYPTION_KEY, database and Redis.
import * as path from 'path';
import { N8nLine } from './lines';
import { installPackage, N8nInstance, N8nServer, N8nWorker } from './n8nInstance';
import { RunningPostgres, RunningService, startPostgres, startRedis } from './queueServices';

export interface QueueCluster {
  redis: RunningService;
  postgres: RunningPostgres;
  /** The main's instance: CLI commands (import, publish, export) go through it. */
  main: N8nInstance;
  server: N8nServer;
  workers: N8nWorker[];
  /** Label -> pid of every n8n process that may call a provider. */
  pids: Record<string, number>;
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export interface QueueClusterOptions {
  line: N8nLine;
  /** Packed community packages, installed in every process's user folder. */
  tarballs: string[];
  workers: number;
  concurrency: number;
}

/** Env that turns an n8n process into a member of the cluster. */
function queueEnv(redis: RunningService, postgres: RunningPostgres): Record<string, string> {
  return {
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: postgres.host,
    DB_POSTGRESDB_PORT: String(postgres.port),
    DB_POSTGRESDB_USER: postgres.user,
    DB_POSTGRESDB_DATABASE: postgres.database,
    DB_POSTGRESDB_PASSWORD: '',
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_REDIS_HOST: redis.host,
    QUEUE_BULL_REDIS_PORT: String(redis.port),
    QUEUE_BULL_PREFIX: `authbridge-e2e-${process.pid}`,
    QUEUE_HEALTH_CHECK_ACTIVE: 'false',
    // Manual executions go to the workers too (the default in 2.x queue mode; explicit here).
    OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
  };
}

export async function startQueueCluster(opts: QueueClusterOptions): Promise<QueueCluster> {
  const timings: Record<string, number> = {};
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      timings[what] = Date.now() - t0;
    }
  };
  const [redis, postgres] = await timed('redis + postgres up', () => Promise.all([startRedis(), startPostgres()]));
  const env = queueEnv(redis, postgres);
  const instances: N8nInstance[] = [];
  const workers: N8nWorker[] = [];
  let server: N8nServer | undefined;
  const stop = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await server?.stop();
    await Promise.all(instances.map((i) => i.dispose()));
    await Promise.all([redis.stop(), postgres.stop()]);
  };
  try {
    const create = async () => {
      const instance = await N8nInstance.create({ line: opts.line, env });
      for (const tarball of opts.tarballs) await installPackage(tarball, path.join(instance.n8nFolder, 'nodes'));
      instances.push(instance);
      return instance;
    };
    const [main, ...workerInstances] = await Promise.all(Array.from({ length: opts.workers + 1 }, create));
    // The main creates the schema (migrations) on its first start; the workers start once it serves.
    server = await timed('main up (schema)', () => main.startServer());
    workers.push(...(await timed('workers up', () => Promise.all(workerInstances.map((w) => w.startWorker(opts.concurrency))))));
    const pids: Record<string, number> = {};
    workers.forEach((w, i) => (pids[`worker${i + 1}`] = w.pid));
    return { redis, postgres, main, server, workers, pids, timings, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
