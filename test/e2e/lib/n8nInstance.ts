// A throwaway real n8n: its own user folder (SQLite DB, settings, installed community package) in a
// temp dir, driven through the n8n CLI (import/execute/export) and `n8n start` for REST tests.
// Works for every line of scripts/n8n/lines.mjs (1.123.x on Node 20, 2.41.x on Node 24).
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { N8nLine } from './lines';
import { freePort, pollUntil, runCommand, RunResult, stopProcess, tail, trackedSpawn } from './proc';

/** Fixed, test-only key: credentials in the temp DB are encrypted with it; never a real secret. */
export const TEST_ENCRYPTION_KEY = 'authbridge-e2e-test-encryption-key-not-secret';

export interface N8nInstanceOptions {
  line: N8nLine;
  /** `npm pack` output to install as a community package (e.g. n8n-nodes-authbridge-0.1.0.tgz). */
  packageTarball?: string;
  /** Extra env for every n8n process of this instance (wins over the defaults). */
  env?: Record<string, string>;
  /** Keep the temp user folder after dispose() (for debugging). Also E2E_KEEP_N8N_FOLDER=1. */
  keepFolder?: boolean;
}

export interface N8nWorker {
  /** Process id of the worker (its process group leader). */
  pid: number;
  /** Everything the worker printed so far. */
  log(): string;
  startMs: number;
  stop(): Promise<void>;
}

export interface N8nServer {
  baseUrl: string;
  port: number;
  /** Output of the server up to the moment it was ready. */
  startupLog: string;
  /** Everything the server printed so far. */
  log(): string;
  startMs: number;
  stop(): Promise<void>;
}

/** What `n8n execute --rawOutput` prints: an IRun (data.resultData.runData[nodeName][0].data.main[0][i].json). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type N8nRun = any;

export interface ExecuteResult {
  ok: boolean;
  /** Parsed run (also for a failed run: n8n then prints it at log level info before exiting non-zero). */
  run: N8nRun | undefined;
  cli: RunResult;
}

// Variables of the caller that must not leak into n8n: jest sets NODE_ENV=test, and n8n refuses to load
// nodes when NODE_ENV is "test" ("Not available in tests"); a developer's own N8N_*/DB_* settings would
// point the instance at their real data.
const STRIP_ENV = /^(N8N_|DB_|QUEUE_|EXECUTIONS_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_ENV$|NODE_OPTIONS$|NODES_|CREDENTIALS_)/;

export class N8nInstance {
  readonly line: N8nLine;
  readonly root: string;
  /** N8N_USER_FOLDER: n8n keeps its data in <userFolder>/.n8n */
  readonly userFolder: string;
  readonly n8nFolder: string;
  readonly packageName: string | undefined;
  /** Every CLI call made so far, with its output (for assertions on load warnings). */
  readonly cliLog: Array<{ args: string[]; result: RunResult }> = [];
  /** Output of the first process of this instance (CLI or server) that loaded the nodes. */
  startupLog = '';
  private servers = new Set<ChildProcess>();
  private readonly extraEnv: Record<string, string>;
  private readonly keepFolder: boolean;

  private constructor(opts: N8nInstanceOptions, root: string, packageName: string | undefined) {
    this.line = opts.line;
    this.root = root;
    this.userFolder = path.join(root, 'user');
    this.n8nFolder = path.join(this.userFolder, '.n8n');
    this.packageName = packageName;
    this.extraEnv = opts.env ?? {};
    this.keepFolder = opts.keepFolder ?? process.env.E2E_KEEP_N8N_FOLDER === '1';
  }

  static async create(opts: N8nInstanceOptions): Promise<N8nInstance> {
    if (!opts.line.installed) throw new Error(`n8n line ${opts.line.id} is not installed: run node scripts/n8n/install.mjs ${opts.line.id}`);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `authbridge-n8n${opts.line.id}-`));
    fs.mkdirSync(path.join(root, 'user', '.n8n'), { recursive: true });
    let packageName: string | undefined;
    if (opts.packageTarball) packageName = await installPackage(opts.packageTarball, path.join(root, 'user', '.n8n', 'nodes'));
    return new N8nInstance(opts, root, packageName);
  }

  /** Env for one n8n process; each process gets its own ports (the task broker port is opened even with runners off on 1.x). */
  private async env(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
    const base: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!STRIP_ENV.test(k)) base[k] = v;
    return {
      ...base,
      ...this.line.env, // N8N_EXPRESSION_ENGINE=legacy on 1.x, PATH with Node 24 on 2.x
      NODE_ENV: 'production',
      N8N_USER_FOLDER: this.userFolder,
      N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      DB_TYPE: 'sqlite',
      GENERIC_TIMEZONE: 'UTC',
      N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true', // else a "permissions too wide" warning on every start
      // 1.x: no task runners. 2.x ignores this (and says so) and always forks an internal JS task runner,
      // which connects to the broker port: hence a distinct broker port per process.
      N8N_RUNNERS_ENABLED: 'false',
      N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
      N8N_RUNNERS_BROKER_PORT: String(await freePort()),
      N8N_PORT: String(await freePort()),
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_HOST: '127.0.0.1',
      N8N_PROTOCOL: 'http',
      N8N_SECURE_COOKIE: 'false',
      // `n8n execute` prints the failed run only at log level info; console output is what we capture.
      N8N_LOG_LEVEL: 'info',
      N8N_LOG_OUTPUT: 'console',
      // Nothing may leave the machine: no telemetry, version checks, templates, banners, license renewal,
      // AI features or the verified-community-packages list.
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_HIRING_BANNER_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_DYNAMIC_BANNERS_ENABLED: 'false',
      N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
      N8N_AI_ENABLED: 'false',
      N8N_VERIFIED_PACKAGES_ENABLED: 'false',
      // The package is loaded from <userFolder>/.n8n/nodes/node_modules by the community-packages module;
      // it must stay enabled, and n8n must not try to (re)install anything from the registry.
      N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
      N8N_REINSTALL_MISSING_PACKAGES: 'false',
      // Simulated providers listen on 127.0.0.1: keep 2.x's SSRF guard (off by default today) off explicitly.
      N8N_SSRF_PROTECTION_ENABLED: 'false',
      ...this.extraEnv,
      ...extra,
    };
  }

  /** Runs `n8n <args>` to completion with this instance's env; returns exit code and output. */
  async cli(args: string[], timeoutMs = 180_000): Promise<RunResult> {
    const result = await runCommand(this.line.nodeBin, [this.line.n8nBin, ...args], {
      cwd: this.root,
      env: await this.env(),
      timeoutMs,
    });
    this.cliLog.push({ args, result });
    this.saveLog(args[0], `$ n8n ${args.join(' ')}\nexit ${result.code ?? result.signal} in ${result.ms} ms\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    if (!this.startupLog) this.startupLog = result.stdout + result.stderr;
    return result;
  }

  private async cliOk(args: string[], timeoutMs?: number): Promise<RunResult> {
    const r = await this.cli(args, timeoutMs);
    if (r.code !== 0) {
      throw new Error(`n8n ${args.join(' ')} exited ${r.code ?? r.signal}\nstdout:\n${tail(r.stdout)}\nstderr:\n${tail(r.stderr)}`);
    }
    return r;
  }

  /** Logs of every process go to <root>/logs/ (kept with E2E_KEEP_N8N_FOLDER=1 for debugging). */
  private saveLog(name: string, text: string): void {
    const dir = path.join(this.root, 'logs');
    fs.mkdirSync(dir, { recursive: true });
    const n = fs.readdirSync(dir).length + 1;
    fs.writeFileSync(path.join(dir, `${String(n).padStart(2, '0')}-${name.replace(/[^\w.-]/g, '_')}.log`), text);
  }

  private writeTemp(name: string, data: unknown): string {
    const file = path.join(this.root, `${name}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
    return file;
  }

  /**
   * Imports credentials: [{id, name, type, data: {...plain object...}}]. n8n encrypts plain-object data
   * on import with N8N_ENCRYPTION_KEY.
   */
  async importCredentials(credentials: object[]): Promise<void> {
    const file = this.writeTemp('credentials', credentials);
    try {
      await this.cliOk(['import:credentials', `--input=${file}`]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /** Imports one workflow ({id, name, nodes, connections, ...}); give it an explicit id to execute it. */
  async importWorkflow(workflow: object): Promise<void> {
    const file = this.writeTemp('workflow', Array.isArray(workflow) ? workflow : [workflow]);
    try {
      await this.cliOk(['import:workflow', `--input=${file}`]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /** `n8n execute --id --rawOutput`, whatever the outcome; the run is parsed from stdout. */
  async executeRaw(workflowId: string, timeoutMs?: number): Promise<ExecuteResult> {
    const cli = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
    const run = extractRun(cli.stdout) ?? extractRun(cli.stdout + '\n' + cli.stderr);
    // n8n 2.41's CLI sometimes dies of SIGSEGV while exiting after it printed a finished run (seen with base
    // nodes only, too): a complete run without an error that was printed whole still counts as the run's result.
    const diedAfterRun = cli.code === null && Boolean(cli.signal) && Boolean(run?.data?.resultData?.lastNodeExecuted);
    const failed = (cli.code !== 0 && !diedAfterRun) || !run || Boolean(run?.data?.resultData?.error);
    return { ok: !failed, run, cli };
  }

  /** Executes a workflow (needs a Manual Trigger) and returns the parsed run; throws if the run failed. */
  async execute(workflowId: string, timeoutMs?: number): Promise<N8nRun> {
    const r = await this.executeRaw(workflowId, timeoutMs);
    if (!r.ok) {
      const err = r.run?.data?.resultData?.error;
      throw new Error(
        `n8n execute ${workflowId} failed (exit ${r.cli.code ?? r.cli.signal})` +
          (err ? `: ${err.message ?? JSON.stringify(err).slice(0, 500)}` : '') +
          `\nstdout:\n${tail(r.cli.stdout)}\nstderr:\n${tail(r.cli.stderr)}`,
      );
    }
    return r.run;
  }

  /** All credentials with decrypted data, as stored by n8n (e.g. oauthTokenData after a run). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async exportCredentials(): Promise<any[]> {
    const file = path.join(this.root, `export-${Date.now()}.json`);
    try {
      await this.cliOk(['export:credentials', '--all', '--decrypted', `--output=${file}`]);
      return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /** Spawns a long-running `n8n <args>` (server, worker), collecting its output; stop() saves it as a log file. */
  private spawnLongRunning(args: string[], env: NodeJS.ProcessEnv, title: string) {
    const child = trackedSpawn(this.line.nodeBin, [this.line.n8nBin, ...args], { cwd: this.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.servers.add(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const stop = async () => {
      await stopProcess(child);
      this.servers.delete(child);
      this.saveLog(args[0], `$ ${title}\n${out}`);
    };
    return { child, output: () => out, stop };
  }

  /**
   * `n8n start` on a free loopback port (or `opts.port`, e.g. the demo's preferred 5678); resolves once the
   * REST API answers (see the probe).
   */
  async startServer(timeoutMs = 180_000, opts: { port?: number } = {}): Promise<N8nServer> {
    const t0 = Date.now();
    const port = opts.port ?? (await freePort());
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = await this.env({
      N8N_PORT: String(port),
      // OAuth2 redirect URIs are built from this (webhook URLs from N8N_HOST/N8N_PORT/N8N_PROTOCOL; setting
      // WEBHOOK_URL as well only earns a deprecation warning on 2.x): keep them on loopback
      N8N_EDITOR_BASE_URL: `${baseUrl}/`,
    });
    const { child, output, stop } = this.spawnLongRunning(['start'], env, `n8n start on ${baseUrl}`);
    try {
      await pollUntil(
        `n8n ${this.line.version} server on ${baseUrl}`,
        async () => {
          if (child.exitCode !== null || child.signalCode !== null) {
            throw Object.assign(new Error(`n8n start exited early (${child.exitCode ?? child.signalCode})`), { fatal: true });
          }
          const res = await fetch(`${baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(5000) });
          await res.arrayBuffer();
          if (res.status !== 200) return undefined;
          // readiness turns 200 (DB up) before the REST routes exist: 1.x then still answers with its
          // "n8n is starting up" page for a few seconds. Ready = /rest/settings answers JSON.
          const settings = await fetch(`${baseUrl}/rest/settings`, { signal: AbortSignal.timeout(5000) });
          const body = await settings.text();
          if (settings.status !== 200) return undefined;
          try {
            return JSON.parse(body)?.data ? true : undefined;
          } catch {
            return undefined;
          }
        },
        timeoutMs,
        250,
      );
    } catch (e) {
      await stop();
      throw new Error(`${(e as Error).message}\nserver output:\n${tail(output(), 8000)}`);
    }
    const startupLog = output();
    if (!this.startupLog) this.startupLog = startupLog;
    return { baseUrl, port, startupLog, log: output, startMs: Date.now() - t0, stop };
  }

  /**
   * `n8n worker --concurrency=N` (queue mode: give the instance EXECUTIONS_MODE=queue, the Redis and
   * Postgres settings in `env`); resolves once the worker says it is ready. Workers open no HTTP port.
   */
  async startWorker(concurrency: number, timeoutMs = 180_000): Promise<N8nWorker> {
    const t0 = Date.now();
    const env = await this.env();
    const { child, output, stop } = this.spawnLongRunning(['worker', `--concurrency=${concurrency}`], env, `n8n worker --concurrency=${concurrency}`);
    try {
      await pollUntil(
        `n8n ${this.line.version} worker`,
        async () => {
          if (child.exitCode !== null || child.signalCode !== null) {
            throw Object.assign(new Error(`n8n worker exited early (${child.exitCode ?? child.signalCode})`), { fatal: true });
          }
          return output().includes('n8n worker is now ready') ? true : undefined;
        },
        timeoutMs,
        200,
      );
    } catch (e) {
      await stop();
      throw new Error(`${(e as Error).message}\nworker output:\n${tail(output(), 8000)}`);
    }
    if (!this.startupLog) this.startupLog = output();
    return { pid: child.pid ?? -1, log: output, startMs: Date.now() - t0, stop };
  }

  /** Stops servers still running and removes the temp folder. */
  async dispose(): Promise<void> {
    await Promise.all([...this.servers].map((c) => stopProcess(c)));
    this.servers.clear();
    if (!this.keepFolder) fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Extracts the run JSON from `n8n execute --rawOutput` output. n8n prints it with JSON.stringify(run, null, 2),
 * so it starts with a line "{" and ends with a line "}"; log lines may come before and after it.
 * Tries candidates from the last one backwards and keeps the first that parses and looks like a run.
 */
export function extractRun(output: string): N8nRun | undefined {
  const lines = output.split(/\r?\n/);
  const starts: number[] = [];
  const ends: number[] = [];
  lines.forEach((l, i) => {
    if (l === '{') starts.push(i);
    if (l === '}') ends.push(i);
  });
  for (let s = starts.length - 1; s >= 0; s--) {
    for (const e of ends) {
      if (e <= starts[s]) continue;
      try {
        const v = JSON.parse(lines.slice(starts[s], e + 1).join('\n'));
        if (v && typeof v === 'object' && v.data && typeof v.data === 'object' && 'resultData' in v.data) return v;
      } catch {
        // not a complete object yet: try the next closing brace
      }
    }
  }
  return undefined;
}

/** Output items (json) of a node in a run: run.data.resultData.runData[node][0].data.main[0]. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function nodeOutput(run: N8nRun, nodeName: string, outputIndex = 0): any[] {
  const taskData = run?.data?.resultData?.runData?.[nodeName];
  if (!taskData?.length) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(run?.data?.resultData?.runData ?? {}).join(', ')}`);
  const main = taskData[taskData.length - 1]?.data?.main?.[outputIndex] ?? [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return main.map((i: any) => i.json);
}

// What n8n's node loader logs when a package (or one of its files) fails to load. On 1.x some of these name
// neither the package nor its path (e.g. "require(...).X is not a constructor" for a misnamed class), so they
// count whatever they mention; a clean n8n start logs none of them.
const LOADER_FAILURE = /is not a constructor|Class could not be found|Failed to load package|Cannot find module|Error loading (package|node|credential)|could not be loaded/i;
const PROBLEM_WORD = /\b(error|warn(ing)?|fail(ed|ure|s)?|cannot|could not|unknown|invalid|deprecated|not a constructor)\b/i;

/** Splits a log into entries: a message line plus the indented stack / "Require stack:" lines after it. */
function logEntries(log: string): string[][] {
  const entries: string[][] = [];
  for (const line of log.split(/\r?\n/)) {
    const continuation = /^(\s+|- |Require stack:)/.test(line) && entries.length > 0;
    if (continuation) entries[entries.length - 1].push(line);
    else if (line.trim()) entries.push([line]);
  }
  return entries;
}

/**
 * Problems the package caused in an n8n log: entries (message + its stack) that mention the package (name or
 * install path) with an error/warning word, plus any node-loader failure. Empty means the package loaded
 * cleanly. Returns each entry's first lines. Pair it with an assertion on /types/*.json: a package that fails
 * to load disappears from there entirely (nodes and credentials alike).
 */
export function packageProblems(log: string, packageName: string): string[] {
  return logEntries(log)
    .filter((entry) => {
      const text = entry.join('\n');
      return (text.includes(packageName) && PROBLEM_WORD.test(text)) || LOADER_FAILURE.test(entry[0]);
    })
    .map((entry) => entry.slice(0, 3).join('\n'));
}

/**
 * Signs in a log that n8n tried to reach a host by name (DNS failures: nothing but loopback is reachable here).
 * Empty means no such attempt was logged; the e2e env switches off every feature known to phone home.
 */
export function outboundAttempts(log: string): string[] {
  return log.split(/\r?\n/).filter((l) => /getaddrinfo (ENOTFOUND|EAI_AGAIN)|Error fetching from/i.test(l));
}

/**
 * Installs a packed package the way n8n's own community-package installer lays it out:
 * <nodesDir>/node_modules/<name>/ (the tarball's "package/" folder) and <nodesDir>/package.json listing it.
 * n8n finds it by globbing node_modules/n8n-nodes-* (and @scope/n8n-nodes-*); `n8n-workflow` is resolved
 * from n8n's own node_modules through the NODE_PATH n8n sets, so a package with no runtime dependencies
 * needs no npm install here.
 */
export async function installPackage(tarball: string, nodesDir: string): Promise<string> {
  const staging = fs.mkdtempSync(path.join(nodesDir + '-'));
  try {
    const r = await runCommand('tar', ['-xzf', tarball, '-C', staging], { env: process.env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`tar -xzf ${tarball} failed: ${r.stderr}`);
    const pkgDir = path.join(staging, 'package');
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    const name: string = pkg.name;
    if (!/^(@[^/]+\/)?n8n-nodes-/.test(name)) throw new Error(`package name "${name}" does not match n8n-nodes-*: n8n would not load it`);
    if (pkg.dependencies && Object.keys(pkg.dependencies).length) {
      throw new Error(`package ${name} has runtime dependencies (${Object.keys(pkg.dependencies).join(', ')}); installPackage does not install them`);
    }
    const dest = path.join(nodesDir, 'node_modules', ...name.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(pkgDir, dest);
    const manifest = path.join(nodesDir, 'package.json');
    const top = fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, 'utf8')) : { name: 'installed-nodes', private: true };
    top.dependencies = { ...(top.dependencies ?? {}), [name]: pkg.version };
    fs.writeFileSync(manifest, JSON.stringify(top, null, 2));
    return name;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
