// A tiny stand-in community package, packed with `npm pack` exactly like the real one, so the e2e
// node-loading path (tarball -> <userFolder>/.n8n/nodes/node_modules/<name>) can be proven before the
// real package builds. Same package name as the real one, so node types are n8n-nodes-authbridge.<node>.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand } from './proc';

export const STAND_IN_NODE = 'authbridgeSmoke';
export const STAND_IN_CREDENTIAL = 'authbridgeSmokeApi';

const NODE_JS = `'use strict';
// Requires n8n-workflow like a real community node: resolved through the NODE_PATH n8n sets up.
const { NodeOperationError } = require('n8n-workflow');

class AuthbridgeSmoke {
  constructor() {
    this.description = {
      displayName: 'Authbridge Smoke',
      name: '${STAND_IN_NODE}',
      group: ['transform'],
      version: 1,
      description: 'Stand-in node for the e2e smoke test',
      defaults: { name: 'Authbridge Smoke' },
      inputs: ['main'],
      outputs: ['main'],
      usableAsTool: true,
      credentials: [{ name: '${STAND_IN_CREDENTIAL}', required: false }],
      properties: [{ displayName: 'Greeting', name: 'greeting', type: 'string', default: 'hello' }],
    };
  }
  async execute() {
    const items = this.getInputData();
    if (typeof NodeOperationError !== 'function') throw new Error('n8n-workflow not resolvable');
    return [items.map((item, i) => ({
      json: { ...item.json, greeting: this.getNodeParameter('greeting', i), smoke: true },
      pairedItem: { item: i },
    }))];
  }
}
module.exports = { AuthbridgeSmoke };
`;

const CREDENTIAL_JS = `'use strict';
class AuthbridgeSmokeApi {
  constructor() {
    this.name = '${STAND_IN_CREDENTIAL}';
    this.displayName = 'Authbridge Smoke API';
    this.properties = [
      { displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
    ];
    this.authenticate = { type: 'generic', properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}' } } };
  }
}
module.exports = { AuthbridgeSmokeApi };
`;

/** Writes the stand-in package to a temp dir and packs it; returns the .tgz path. */
export async function buildStandInPackage(name = 'n8n-nodes-authbridge'): Promise<string> {
  return packTinyPackage({
    name,
    version: '0.0.0-standin',
    description: 'e2e stand-in',
    credentials: { AuthbridgeSmokeApi: CREDENTIAL_JS },
    nodes: { AuthbridgeSmoke: NODE_JS },
  });
}

/**
 * A community package from plain JS sources (class name -> file text), written to a temp dir and packed:
 * dist/credentials/<Name>.credentials.js and dist/nodes/<Name>/<Name>.node.js, listed in package.json.
 */
export async function packTinyPackage(spec: {
  name: string;
  version: string;
  description: string;
  credentials: Record<string, string>;
  nodes: Record<string, string>;
}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbridge-tiny-'));
  const credentialFiles = Object.keys(spec.credentials).map((c) => `dist/credentials/${c}.credentials.js`);
  const nodeFiles = Object.keys(spec.nodes).map((n) => `dist/nodes/${n}/${n}.node.js`);
  const pkg = {
    name: spec.name,
    version: spec.version,
    description: spec.description,
    keywords: ['n8n-community-node-package'],
    license: 'MIT',
    files: ['dist'],
    n8n: { n8nNodesApiVersion: 1, strict: true, credentials: credentialFiles, nodes: nodeFiles },
    peerDependencies: { 'n8n-workflow': '*' },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const sources = [...Object.values(spec.credentials), ...Object.values(spec.nodes)];
  [...credentialFiles, ...nodeFiles].forEach((file, i) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), sources[i]);
  });
  return packDirectory(dir, dir);
}

/** `npm pack` of a package directory (e.g. the repo root once it builds) into outDir; returns the .tgz path. */
export async function packDirectory(pkgDir: string, outDir: string): Promise<string> {
  const r = await runCommand('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], {
    cwd: pkgDir,
    env: process.env,
    timeoutMs: 120_000,
  });
  if (r.code !== 0) throw new Error(`npm pack failed in ${pkgDir}: ${r.stderr.slice(-2000)}`);
  // npm prints warnings on stderr; stdout is the JSON array
  const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as Array<{ filename: string }>;
  return path.join(outDir, info[0].filename);
}
