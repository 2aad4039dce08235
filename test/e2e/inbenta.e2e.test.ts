// Inbenta in real n8n, for each n8n line (E2E_LINES=1,2), against the Inbenta simulator of this jest
// process (Auth API and each product API on their own 127.0.0.1 ports). CLI only, no server start:
//   1. "inbentaApi" with the API-secret flow: a knowledge search; with the domain-key flow: a chatbot message
//   2. the token, its expiry and the product map read back from the stored credential
//   3. a new n8n process reuses them: no /auth
//   4. the credential offered in the HTTP Request node (predefined credential type) reaches the Auth API
// Needs `npm run build` first.
import * as fs from 'fs';
import * as path from 'path';
import { bearerOf } from '../simulators/framework';
import { InbentaSimulator } from '../simulators/inbenta';
import { ensureInstalled, N8nLine, selectedLines } from './lib/lines';
import { N8nInstance, N8nRun, nodeOutput } from './lib/n8nInstance';
import { stopAll } from './lib/proc';
import { packRealPackage, readPackageJson } from './lib/realPackage';

const INSTALL_TIMEOUT = 45 * 60 * 1000;
const PKG = readPackageJson().name;
const INBENTA = `${PKG}.inbenta`;
const SECRET_CRED = 'e2eInbentaSecret1';
const DOMAIN_CRED = 'e2eInbentaDomain1';

let tarball: string;

beforeAll(async () => {
  tarball = await packRealPackage();
}, 180_000);

afterAll(async () => {
  await stopAll();
  if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
});

const manualTrigger = { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

function workflow(id: string, node: { name: string; type: string; typeVersion?: number; parameters: object; credentials: object }) {
  return {
    id,
    name: id,
    active: false,
    settings: {},
    nodes: [manualTrigger, { id: 'n1', typeVersion: 1, position: [200, 0], ...node }],
    connections: { [manualTrigger.name]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
  };
}

const WORKFLOWS = [
  workflow('e2eInbentaSearch1', {
    name: 'Inbenta',
    type: INBENTA,
    parameters: { resource: 'knowledge', operation: 'search', query: 'password', limit: 2 },
    credentials: { inbentaApi: { id: SECRET_CRED, name: 'inbenta secret' } },
  }),
  workflow('e2eInbentaChatbot', {
    name: 'Inbenta',
    type: INBENTA,
    parameters: { resource: 'chatbot', operation: 'sendMessage', message: 'hello' },
    credentials: { inbentaApi: { id: DOMAIN_CRED, name: 'inbenta domain key' } },
  }),
];

describe.each(selectedLines().map((l) => [`${l.id} (n8n ${l.version})`, l] as const))('n8n line %s', (_label, initialLine) => {
  let line: N8nLine = initialLine;
  let n8n: N8nInstance;
  const sim = new InbentaSimulator();
  const used = new Set<string>();
  const auths = () => sim.authCalls.filter((call) => call.path === '/auth');

  /**
   * Executes a workflow and records the credential type. Under heavy load the 2.41 CLI was seen to die
   * with SIGSEGV while exiting, after printing a successful run: the run's own status is what counts.
   */
  async function execute(id: string, credentialType: string): Promise<N8nRun> {
    const result = await n8n.executeRaw(id);
    const succeeded = result.run?.status === 'success' && !result.run?.data?.resultData?.error;
    if (!result.ok && !(succeeded && result.cli.signal)) {
      const error = result.run?.data?.resultData?.error;
      throw new Error(`n8n execute ${id} failed (exit ${result.cli.code ?? result.cli.signal}): ${error?.message ?? result.cli.stderr.slice(-1500)}`);
    }
    used.add(credentialType);
    return result.run;
  }

  beforeAll(async () => {
    line = ensureInstalled(initialLine);
    await sim.start();
    n8n = await N8nInstance.create({ line, packageTarball: tarball });
    await n8n.importCredentials([
      {
        id: SECRET_CRED,
        name: 'inbenta secret',
        type: 'inbentaApi',
        data: { flow: 'apiSecret', apiKey: sim.apiKey, apiSecret: sim.apiSecret, baseUrlOverride: sim.auth.url, accessToken: '' },
      },
      {
        id: DOMAIN_CRED,
        name: 'inbenta domain key',
        type: 'inbentaApi',
        data: { flow: 'domainKey', apiKey: sim.apiKey, domainKeyToken: sim.domainKey, domain: sim.allowedDomain, baseUrlOverride: sim.auth.url, accessToken: '' },
      },
    ]);
    await n8n.importWorkflow([
      ...WORKFLOWS,
      workflow('e2eInbentaHttpReq', {
        name: 'HTTP Request',
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        parameters: { method: 'GET', url: `${sim.auth.url}/v1/apis`, authentication: 'predefinedCredentialType', nodeCredentialType: 'inbentaApi', options: {} },
        credentials: { inbentaApi: { id: SECRET_CRED, name: 'inbenta secret' } },
      }),
    ]);
  }, INSTALL_TIMEOUT);

  afterAll(async () => {
    await n8n?.dispose();
    await sim.stop();
  });

  test('both flows run in real n8n; token, expiry and product map are stored; a new process reuses them', async () => {
    const search = nodeOutput(await execute('e2eInbentaSearch1', 'inbentaApi'), 'Inbenta');
    expect(search.map((item) => item.title)).toEqual(['How do I reset my password (1)', 'How do I reset my password (5)']);
    const chat = nodeOutput(await execute('e2eInbentaChatbot', 'inbentaApi'), 'Inbenta');
    expect(chat[0].answers[0].messageList).toEqual(['You said: hello']);
    expect(auths().map((call) => [call.grant, call.ok])).toEqual([
      ['apiSecret', true],
      ['domainKey', true],
    ]);
    const domainAuth = sim.auth.requestsTo('POST', '/v1/auth').find((request) => (request.body as Record<string, unknown>).domain_key);
    expect(domainAuth?.headers.origin).toBe(`https://${sim.allowedDomain}`);

    const stored = Object.fromEntries((await n8n.exportCredentials()).map((c) => [c.id, c]));
    for (const id of [SECRET_CRED, DOMAIN_CRED]) {
      const data = stored[id].data;
      expect(stored[id].type).toBe('inbentaApi');
      expect(sim.tokens.has(data.accessToken)).toBe(true);
      expect(Date.parse(data.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 1000 * 1000);
      expect(Date.parse(data.accessTokenRenewAt)).toBeLessThan(Date.parse(data.accessTokenExpiresAt));
      expect(JSON.parse(data.apis)).toEqual(sim.apis());
    }

    // A new n8n process: the stored token and map are used as they are.
    sim.authCalls.length = 0;
    for (const server of sim.servers()) server.clearLog();
    const again = nodeOutput(await execute('e2eInbentaSearch1', 'inbentaApi'), 'Inbenta');
    expect(again).toHaveLength(2);
    expect(sim.authCalls).toEqual([]);
    expect(bearerOf(sim.knowledge.requests[0])).toBe(stored[SECRET_CRED].data.accessToken);
  });

  test('the credential is offered in the HTTP Request node and authenticates its request', async () => {
    sim.authCalls.length = 0;
    sim.auth.clearLog();
    const out = nodeOutput(await execute('e2eInbentaHttpReq', 'inbentaApi'), 'HTTP Request');
    expect(out[0].apis).toEqual(sim.apis());
    const request = sim.auth.requestsTo('GET', '/v1/apis')[0];
    expect(request.headers['x-inbenta-key']).toBe(sim.apiKey);
    expect(sim.tokens.has(bearerOf(request) ?? '')).toBe(true);
    expect(sim.authCalls.filter((call) => call.path === '/auth')).toEqual([]);
  });

  test('"inbentaApi" was used by an executed workflow', () => {
    expect([...used]).toEqual(['inbentaApi']);
  });
});
