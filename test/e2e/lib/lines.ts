// The n8n lines (versions) the e2e tests run against. Single source of truth: scripts/n8n/lines.mjs,
// queried through its CLI because ts-jest compiles these files to CommonJS, which cannot import ESM.
import { execFileSync, spawnSync } from 'child_process';
import { existsSync } from 'fs';
import * as path from 'path';

/** The repository: the first folder up from here with a package.json (also when compiled to .bench/ by `npm run bench`). */
function repoRoot(): string {
  for (let dir = path.resolve(__dirname, '..', '..', '..'); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) || dir === path.dirname(dir)) return dir;
  }
}

export const REPO_ROOT = repoRoot();
const SCRIPTS = path.join(REPO_ROOT, 'scripts', 'n8n');

export interface N8nLine {
  id: string;
  version: string;
  nodeMajor: number;
  dir: string;
  marker: string;
  nodeDir: string | null;
  /** Node binary to run n8n with. */
  nodeBin: string;
  /** node_modules/n8n/bin/n8n: run as `nodeBin n8nBin <command>`. */
  n8nBin: string;
  /** Extra env every n8n process of this line needs (e.g. N8N_EXPRESSION_ENGINE=legacy, PATH with Node 24). */
  env: Record<string, string>;
  installed: boolean;
}

export function getLines(spec: string = 'all'): N8nLine[] {
  const out = execFileSync(process.execPath, [path.join(SCRIPTS, 'lines.mjs'), spec], { encoding: 'utf8' });
  return JSON.parse(out) as N8nLine[];
}

/** Lines selected by E2E_LINES ("1", "2", "1,2"; default all). */
export function selectedLines(): N8nLine[] {
  return getLines(process.env.E2E_LINES || 'all');
}

/**
 * Makes sure a line is installed (no-op well under a second when cached; ~5-10 min cold).
 * Runs the installer synchronously; its progress goes to this process's stderr.
 */
export function ensureInstalled(line: N8nLine): N8nLine {
  if (!line.installed) {
    const r = spawnSync(process.execPath, [path.join(SCRIPTS, 'install.mjs'), line.id], {
      stdio: ['ignore', 2, 2],
      timeout: 45 * 60 * 1000,
      killSignal: 'SIGTERM', // the installer kills its npm process group on SIGTERM
    });
    if (r.status !== 0) throw new Error(`installing n8n line ${line.id} (${line.version}) failed: status ${r.status} ${r.signal ?? ''}`);
  }
  const [fresh] = getLines(line.id);
  if (!fresh.installed) throw new Error(`n8n line ${line.id} not installed after install.mjs`);
  return fresh;
}
