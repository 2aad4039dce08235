// Smoke test of the real-n8n e2e infrastructure, for each n8n line (E2E_LINES=1,2; default all):
// install (cached), CLI import + execute, community package loading, credential import/export,
// server start + owner setup + /types/*.json, and the headless OAuth2 connect flow over REST.
//
// Until the real package builds, a stand-in package with the same name is packed and installed
// (E2E_PACKAGE_TGZ=<path to a tgz> uses that instead).
import * as fs from 'fs';
import * as path from 'path';
import { ensureInstalled, N8nLine, selectedLines } from './lib/lines';
import { N8nInstance, nodeOutput, outboundAttempts, packageProblems } from './lib/n8nInstance';
import { N8nRest } from './lib/n8nRest';
import { startLoopbackOAuth2 } from './lib/loopbackOAuth2';
import { buildStandInPackage, STAND_IN_CREDENTIAL, STAND_IN_NODE } from './lib/standInPackage';
import { stopAll } from './lib/proc';

const INSTALL_TIMEOUT = 45 * 60 * 1000;
const PKG = 'n8n-nodes-authbridge';

const timings: Record<string, Record<string, number>> = {};
function timing(line: N8nLine, what: string, ms: number): void {
  (timings[`${line.id} (n8n ${line.version})`] ??= {})[what] = Math.round(ms);
}

let tarball: string;

beforeAll(async () => {
  tarball = process.env.E2E_PACKAGE_TGZ || (await buildStandInPackage(PKG));
});

afterAll(async () => {
  await stopAll();
  if (!process.env.E2E_PACKAGE_TGZ && tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`e2e smoke timings (ms):\n${JSON.stringify(timings, null, 2)}`);
});

const manualTrigger = { id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

const baseWorkflow = {
  id: 'e2eSmokeBase001',
  name: 'e2e smoke base',
  active: false,
  settings: {},
  nodes: [
    manualTrigger,
    {
      id: 'n2',
      name: 'Set',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [200, 0],
      parameters: {
        mode: 'manual',
        assignments: { assignments: [{ id: 'a1', name: 'greeting', value: 'hello from e2e', type: 'string' }] },
        options: {},
      },
    },
    { id: 'n3', name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} },
  ],
  connections: {
    Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
    Set: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] },
  },
};

const packageWorkflow = {
  id: 'e2eSmokePkg0001',
  name: 'e2e smoke package node',
  active: false,
  settings: {},
  nodes: [
    manualTrigger,
    { id: 'n2', name: 'Smoke', type: `${PKG}.${STAND_IN_NODE}`, typeVersion: 1, position: [200, 0], parameters: { greeting: 'hi' } },
  ],
  connections: { Start: { main: [[{ node: 'Smoke', type: 'main', index: 0 }]] } },
};

const standIn = !process.env.E2E_PACKAGE_TGZ;

describe.each(selectedLines().map((l) => [`${l.id} (n8n ${l.version})`, l] as const))('n8n line %s', (_label, initialLine) => {
  let line: N8nLine = initialLine;
  let n8n: N8nInstance;

  beforeAll(async () => {
    const t0 = Date.now();
    line = ensureInstalled(initialLine);
    timing(line, 'ensureInstalled', Date.now() - t0);
    n8n = await N8nInstance.create({ line, packageTarball: tarball });
  }, INSTALL_TIMEOUT);

  afterAll(async () => {
    await n8n?.dispose();
  });

  test('CLI: import + execute a base-nodes workflow; the package loads cleanly', async () => {
    let t0 = Date.now();
    await n8n.importWorkflow(baseWorkflow);
    timing(line, 'first CLI call (import:workflow, runs DB migrations)', Date.now() - t0);

    t0 = Date.now();
    const run = await n8n.execute(baseWorkflow.id);
    timing(line, 'n8n execute (base workflow)', Date.now() - t0);
    expect(nodeOutput(run, 'Set')).toEqual([{ greeting: 'hello from e2e' }]);
    expect(nodeOutput(run, 'NoOp')).toEqual([{ greeting: 'hello from e2e' }]);
    expect(run.data.resultData.error).toBeUndefined();

    // every CLI process loads all nodes: none may complain about the package, nor try to reach the internet
    for (const { args, result } of n8n.cliLog) {
      const log = result.stdout + result.stderr;
      expect({ args, problems: packageProblems(log, PKG), outbound: outboundAttempts(log) }).toEqual({ args, problems: [], outbound: [] });
    }
  });

  (standIn ? test : test.skip)('CLI: a node of the installed package executes', async () => {
    await n8n.importWorkflow(packageWorkflow);
    const run = await n8n.execute(packageWorkflow.id);
    expect(nodeOutput(run, 'Smoke')).toEqual([{ greeting: 'hi', smoke: true }]);
  });

  (standIn ? test : test.skip)('CLI: credentials import encrypted and export decrypted', async () => {
    await n8n.importCredentials([{ id: 'e2eSmokeCred001', name: 'smoke key', type: STAND_IN_CREDENTIAL, data: { apiKey: 'not-a-real-key' } }]);
    const raw = fs.readFileSync(path.join(n8n.n8nFolder, 'database.sqlite'));
    expect(raw.includes(Buffer.from('not-a-real-key'))).toBe(false); // stored encrypted
    const exported = await n8n.exportCredentials();
    const cred = exported.find((c) => c.id === 'e2eSmokeCred001');
    expect(cred).toMatchObject({ type: STAND_IN_CREDENTIAL, data: { apiKey: 'not-a-real-key' } });
  });

  test('server: starts, owner setup, types list the package, OAuth2 connect flow over REST', async () => {
    const provider = await startLoopbackOAuth2();
    const server = await n8n.startServer();
    try {
      timing(line, 'n8n start until REST ready', server.startMs);
      const rest = new N8nRest(server.baseUrl);
      const t0 = Date.now();
      await rest.setupOwner();
      timing(line, 'owner setup after ready', Date.now() - t0);

      const nodes = await rest.nodeTypes();
      const nodeNames = nodes.map((n) => n.name);
      expect(nodeNames).toContain('n8n-nodes-base.manualTrigger');
      expect(nodeNames).toContain('n8n-nodes-base.set');
      const credNames = (await rest.credentialTypes()).map((c) => c.name);
      expect(credNames).toContain('oAuth2Api');
      if (standIn) {
        expect(nodeNames).toContain(`${PKG}.${STAND_IN_NODE}`);
        expect(credNames).toContain(STAND_IN_CREDENTIAL);
      } else {
        expect(nodeNames.some((n: string) => n.startsWith(`${PKG}.`))).toBe(true);
      }
      expect(packageProblems(server.startupLog, PKG)).toEqual([]);

      // OAuth2 authorization-code flow with n8n's generic OAuth2 credential against a loopback provider
      const cred = await rest.createCredential('e2e oauth2', 'oAuth2Api', {
        grantType: 'authorizationCode',
        authUrl: provider.authorizeUrl,
        accessTokenUrl: provider.tokenUrl,
        clientId: 'e2e-client',
        clientSecret: 'e2e-client-secret',
        scope: 'read',
        authQueryParameters: '',
        authentication: 'body',
      });
      expect(cred.id).toBeTruthy();
      const { authUrl, callbackUrl } = await rest.connectOAuth2(cred.id);
      expect(new URL(authUrl).searchParams.get('redirect_uri')).toBe(`${server.baseUrl}/rest/oauth2-credential/callback`);
      expect(new URL(callbackUrl).searchParams.get('code')).toBe('e2e-code');
      expect(provider.tokenRequests).toHaveLength(1);
      expect(provider.tokenRequests[0]).toMatchObject({ grant_type: 'authorization_code', code: 'e2e-code' });

      const viaRest = await rest.getCredential(cred.id);
      expect(viaRest.id).toBe(cred.id);

      const stored = (await n8n.exportCredentials()).find((c) => c.id === cred.id);
      expect(stored.data.oauthTokenData).toMatchObject({ access_token: 'e2e-access-1', refresh_token: 'e2e-refresh-1' });

      expect(outboundAttempts(server.log())).toEqual([]);
    } finally {
      const t0 = Date.now();
      await server.stop();
      timing(line, 'server stop', Date.now() - t0);
      await provider.close();
    }
  });
});
