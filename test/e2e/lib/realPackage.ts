// The real package for the provider e2e suite: checks that dist/ is built and up to date, packs it once
// (`npm pack --ignore-scripts`, so it never rebuilds behind the test's back), and lists the node and
// credential type names it declares in package.json (read from the built classes themselves).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './lines';
import { packDirectory } from './standInPackage';

interface PackageJson {
  name: string;
  n8n: { credentials: string[]; nodes: string[] };
}

export function readPackageJson(): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
}

function newestMtime(dir: string, ext: string): { file: string; ms: number } {
  let newest = { file: '', ms: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = newestMtime(full, ext);
      if (sub.ms > newest.ms) newest = sub;
    } else if (entry.name.endsWith(ext)) {
      const ms = fs.statSync(full).mtimeMs;
      if (ms > newest.ms) newest = { file: full, ms };
    }
  }
  return newest;
}

/** Throws unless every dist file package.json names exists and dist is newer than every source file. */
export function assertBuilt(): void {
  const pkg = readPackageJson();
  const missing = [...pkg.n8n.credentials, ...pkg.n8n.nodes].filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
  if (missing.length) throw new Error(`dist is not built (missing ${missing.join(', ')}): run npm run build first`);
  const oldestDist = Math.min(...[...pkg.n8n.credentials, ...pkg.n8n.nodes].map((f) => fs.statSync(path.join(REPO_ROOT, f)).mtimeMs));
  for (const dir of ['credentials', 'nodes']) {
    const src = newestMtime(path.join(REPO_ROOT, dir), '.ts');
    if (src.ms > oldestDist) throw new Error(`dist is older than ${path.relative(REPO_ROOT, src.file)}: run npm run build first`);
  }
}

/** Packs the built repo into a fresh temp dir; returns the .tgz path (remove its directory when done). */
export async function packRealPackage(): Promise<string> {
  assertBuilt();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'authbridge-pack-'));
  return packDirectory(REPO_ROOT, out);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function instances(file: string): any[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(REPO_ROOT, file)) as Record<string, new () => unknown>;
  // n8n's loader takes the export named like the file (FiskalyApi.credentials.js -> FiskalyApi)
  const className = path.basename(file).split('.')[0];
  if (typeof mod[className] !== 'function') throw new Error(`${file} does not export ${className}`);
  return [new mod[className]()];
}

/** Credential type names declared by package.json's n8n.credentials (e.g. fiskalyApi). */
export function declaredCredentialTypes(): string[] {
  return readPackageJson()
    .n8n.credentials.flatMap((f) => instances(f).map((c) => c.name as string))
    .sort();
}

/**
 * Node type names as n8n registers them for the installed package (e.g. n8n-nodes-authbridge.fiskaly), plus
 * the `<name>Tool` variant n8n derives from every node with `usableAsTool`.
 */
export function declaredNodeTypes(): string[] {
  const pkg = readPackageJson();
  return pkg.n8n.nodes
    .flatMap((f) =>
      instances(f).flatMap((n) => {
        const name = `${pkg.name}.${n.description.name as string}`;
        return n.description.usableAsTool ? [name, `${name}Tool`] : [name];
      }),
    )
    .sort();
}
