#!/usr/bin/env node
// Installs the real n8n versions the e2e tests run against, cached outside the clone.
//
//   node scripts/n8n/install.mjs 1|2|1,2|all
//
// Cache: ${N8N_CACHE_DIR:-$HOME/.cache/authbridge-n8n}/<version>/ (see lines.mjs).
// A version dir counts as installed only when its marker file exists; the marker is written last,
// after a check that the installed n8n runs. The install happens in place under a lock directory
// (<version>.lock, created atomically with mkdir), so two concurrent calls do not both install, and a
// dir left without marker by an interrupted install is wiped and redone on the next call.
// Plain Node, no dependencies.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { getLine, parseLines, cacheRoot, MARKER } from './lines.mjs';

const LOCK_WAIT_MS = 45 * 60 * 1000; // another process installing the same version: wait this long at most
const HEARTBEAT_MS = 30 * 1000;

let current = null; // { child, lockDir } of the step in progress, for the signal handlers

function log(msg) {
  process.stdout.write(`[n8n-install] ${msg}\n`);
}

function secs(t0) {
  return ((Date.now() - t0) / 1000).toFixed(1) + 's';
}

class InstallError extends Error {}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Live (non-zombie) members of a process group, from /proc (Linux); [] once the group is gone. */
function groupMembers(pgid) {
  const out = [];
  let pids;
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return pidAlive(-pgid) ? [pgid] : []; // no /proc: fall back to kill(-pgid, 0)
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may contain spaces, so parse after the last ")"
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') out.push(Number(pid));
    } catch {
      // process ended while we looked
    }
  }
  return out;
}

/**
 * Stops a whole process group (npm and the node-gyp/make/cc it spawned) and waits until none of it runs,
 * so nothing still writes into the install dir when the lock is released or the dir is wiped.
 */
function killGroupSync(pgid, graceMs = 10_000) {
  const signal = (sig) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // group already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupMembers(pgid).length && Date.now() < deadline) sleepSync(100);
  if (!groupMembers(pgid).length) return;
  signal('SIGKILL');
  const hard = Date.now() + 5_000;
  while (groupMembers(pgid).length && Date.now() < hard) sleepSync(100);
}

/** Takes <dir>.lock (mkdir is atomic). Waits while a live process holds it; breaks a stale one. */
function acquireLock(line) {
  const lockDir = `${line.dir}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return lockDir;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    try {
      pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    } catch {
      // pid file not written yet by the holder, or lock just released: look again shortly
    }
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) {
      log(`removing stale lock ${lockDir} (pid ${pid} is gone)`);
      // A SIGKILLed installer leaves its npm process group running: stop it before the dir is wiped.
      let childPgid = 0;
      try {
        childPgid = Number(fs.readFileSync(path.join(lockDir, 'child'), 'utf8'));
      } catch {
        // no child recorded
      }
      if (childPgid > 0) killGroupSync(childPgid, 2_000);
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (line.installed()) return null; // the other process finished meanwhile
    if (Date.now() > deadline) throw new InstallError(`timed out waiting for lock ${lockDir} (held by pid ${pid})`);
    if (!told) {
      log(`waiting for another install of n8n@${line.version} (lock ${lockDir}, pid ${pid})`);
      told = true;
    }
    sleepSync(2000);
  }
}

/**
 * Runs one command, output appended to logFile, a heartbeat line every 30 s.
 * Detached so that on SIGINT/SIGTERM we can kill its whole process group (npm spawns node-gyp, make, cc...).
 */
function run(title, cmd, args, { cwd, env, logFile }) {
  const t0 = Date.now();
  log(`${title}: ${cmd} ${args.join(' ')}`);
  fs.appendFileSync(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  const fd = fs.openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd], detached: true });
    current.child = child;
    if (child.pid) fs.writeFileSync(path.join(current.lockDir, 'child'), String(child.pid));
    const beat = setInterval(() => log(`  ... ${title} still running (${secs(t0)})`), HEARTBEAT_MS);
    const done = (err) => {
      clearInterval(beat);
      fs.closeSync(fd);
      current.child = null;
      if (err) reject(err);
      else {
        log(`${title}: done in ${secs(t0)}`);
        resolve();
      }
    };
    child.on('error', (e) => done(new InstallError(`${title}: could not start ${cmd}: ${e.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) done();
      else done(new InstallError(`${title} failed (${signal ? 'signal ' + signal : 'exit code ' + code}) after ${secs(t0)}; log: ${logFile}`));
    });
  });
}

/** Captures stdout of a short command (used for the final `n8n --version` check). */
function capture(cmd, args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new InstallError(`${cmd} ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`))));
  });
}

function writeJson(file, obj) {
  fs.writeFileSync(file, JSON.stringify(obj, null, 2) + '\n');
}

/**
 * Environment for npm: Node of the line first on PATH. Every npm_config_* variable of the caller is
 * dropped: under `npm run`, npm exports the project's own config to scripts, and this project's
 * .npmrc sets ignore-scripts=true, which would silently turn `npm rebuild sqlite3` into a no-op.
 * The user's npmrc `nodedir` must not win over ours either.
 */
function npmEnv(line) {
  const env = { ...process.env, ...line.env };
  for (const key of Object.keys(env)) if (/^npm_config_/i.test(key)) delete env[key];
  return env;
}

async function installLine(line) {
  const logDir = path.join(line.dir, '.install-logs');
  // leftovers of an interrupted install (retries: a just-killed writer may still be closing files)
  fs.rmSync(line.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'install.log');
  const env = npmEnv(line);
  const npmCommon = ['--no-audit', '--no-fund', '--prefer-offline'];
  let nodedir;

  if (line.nodePackage) {
    // Node 24 from the npm registry, kept inside the version dir so it is cached and wiped with it.
    const nodeHome = path.join(line.dir, 'node24');
    fs.mkdirSync(nodeHome, { recursive: true });
    writeJson(path.join(nodeHome, 'package.json'), { name: 'authbridge-node24', private: true });
    await run(`install ${line.nodePackage}`, 'npm', ['install', line.nodePackage, '--ignore-scripts', ...npmCommon], {
      cwd: nodeHome,
      env: process.env,
      logFile,
    });
    const v = (await capture(line.nodeBin, ['--version'], { cwd: nodeHome, env })).trim();
    if (!v.startsWith(`v${line.nodeMajor}.`)) throw new InstallError(`${line.nodeBin} reports ${v}, expected v${line.nodeMajor}.x`);
    log(`node from ${line.nodePackage}: ${v}`);
    nodedir = line.nodeDir; // has include/node for node-gyp
  } else {
    // Headers of the running Node (e.g. /usr/include/node for /usr/bin/node); else node-gyp falls back to its own.
    const prefix = path.dirname(path.dirname(process.execPath));
    if (fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'))) nodedir = prefix;
  }

  const pkg = { name: `authbridge-n8n-${line.version}`, private: true, dependencies: { n8n: line.version } };
  // 1.x depends on an xlsx tarball served from a host outside the npm registry (unreachable here).
  if (line.id === '1') pkg.overrides = { xlsx: 'npm:xlsx@0.18.5' };
  writeJson(path.join(line.dir, 'package.json'), pkg);

  // --ignore-scripts: some optional native builds download things at install time and fail here
  // (a Kafka dependency fetches zlib); only the native modules n8n needs are rebuilt below.
  await run(`npm install n8n@${line.version}`, 'npm', ['install', '--ignore-scripts', ...npmCommon], { cwd: line.dir, env, logFile });

  // 1.x: isolated-vm does not build on Node 20, so it is left unbuilt (run with N8N_EXPRESSION_ENGINE=legacy).
  const natives = line.id === '1' ? ['sqlite3'] : ['sqlite3', 'isolated-vm'];
  const rebuildArgs = ['rebuild', ...natives, '--foreground-scripts', '--ignore-scripts=false'];
  if (nodedir) rebuildArgs.push(`--nodedir=${nodedir}`);
  await run(`npm rebuild ${natives.join(' ')}`, 'npm', rebuildArgs, { cwd: line.dir, env, logFile });

  // The install counts only if n8n starts far enough to print its version with the line's Node.
  const out = (await capture(line.nodeBin, [line.n8nBin, '--version'], { cwd: line.dir, env: { ...env, N8N_DIAGNOSTICS_ENABLED: 'false' } })).trim();
  if (!out.split(/\s+/).includes(line.version)) throw new InstallError(`n8n --version printed "${out.slice(-300)}", expected ${line.version}`);
  // ...and only if the native modules load in that Node (a failed build can leave npm rebuild green).
  const requires = natives.map((m) => `require(${JSON.stringify(m)});`).join(' ');
  await capture(line.nodeBin, ['-e', requires], { cwd: line.dir, env }).catch((e) => {
    throw new InstallError(`native modules ${natives.join(', ')} do not load: ${e.message}; log: ${logFile}`);
  });
}

async function ensureLine(id) {
  const t0 = Date.now();
  const line = getLine(id);
  if (line.installed()) {
    log(`line ${line.id}: n8n@${line.version} already installed in ${line.dir} (${secs(t0)})`);
    return;
  }
  // A line without its own Node runs on the Node that installs it (its native modules are built for it).
  if (!line.nodePackage && Number(process.versions.node.split('.')[0]) !== line.nodeMajor) {
    throw new InstallError(`line ${line.id} (n8n@${line.version}) must be installed with Node ${line.nodeMajor}; this is ${process.version} (${process.execPath})`);
  }
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const lockDir = acquireLock(line);
  current = { child: null, lockDir };
  try {
    if (line.installed()) {
      log(`line ${line.id}: n8n@${line.version} installed by another process (${secs(t0)})`);
      return;
    }
    log(`line ${line.id}: installing n8n@${line.version} into ${line.dir}`);
    await installLine(line);
    writeJson(line.marker, {
      line: line.id,
      version: line.version,
      nodeBin: line.nodeBin,
      nodeVersion: line.nodePackage ? line.nodePackage : process.version,
      installedAt: new Date().toISOString(),
      seconds: Math.round((Date.now() - t0) / 1000),
    });
    log(`line ${line.id}: n8n@${line.version} installed in ${secs(t0)}`);
  } finally {
    if (lockDir) fs.rmSync(lockDir, { recursive: true, force: true });
    current = null;
  }
}

function onSignal(sig) {
  if (current) {
    // the lock is released only once the npm group is gone, so a waiting installer never wipes
    // a dir that is still being written
    if (current.child?.pid) killGroupSync(current.child.pid);
    if (current.lockDir) fs.rmSync(current.lockDir, { recursive: true, force: true });
  }
  log(`interrupted by ${sig}; the partial install has no ${MARKER} and will be redone next time`);
  process.exit(130);
}

async function main() {
  const spec = process.argv[2];
  if (!spec || spec === '-h' || spec === '--help') {
    console.error('usage: node scripts/n8n/install.mjs <1|2|1,2|all>');
    process.exit(2);
  }
  let ids;
  try {
    ids = parseLines(spec);
  } catch (e) {
    console.error(`[n8n-install] ${e.message}\nusage: node scripts/n8n/install.mjs <1|2|1,2|all>`);
    process.exit(2);
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = Date.now();
  for (const id of ids) await ensureLine(id);
  if (ids.length > 1) log(`all done in ${secs(t0)}`);
}

main().catch((e) => {
  console.error(`[n8n-install] FAILED: ${e.message}`);
  if (!(e instanceof InstallError)) console.error(e.stack);
  process.exit(1);
});
