// HubRise in real n8n, for each n8n line (E2E_LINES=1,2), against the HubRise simulator on 127.0.0.1.
// One n8n instance and one `n8n start` per line:
//   1. 'hubriseOAuth2Api': the OAuth2 connect flow through n8n's REST API (scope from the builder, client
//      id/secret as HTTP Basic at the simulator's token endpoint), the token response stored
//   2. the HubRise Trigger on an active workflow: activation sets the callback to n8n's production
//      webhook URL; a signed callback starts one execution, a forged one gets 401 and starts none;
//      deactivation removes the callback
//   3. both credentials are offered in the HTTP Request node (httpRequestNode in /types/credentials.json)
//   4. 'hubriseApi' (installed app): the pasted code is exchanged once by the first CLI run, a second
//      process makes no token call; the OAuth2 credential runs the node with X-Access-Token only
// Needs `npm run build` first.
import * as fs from 'fs';
import * as path from 'path';
import { basicOf } from '../simulators/framework';
import { HubRiseSimulator } from '../simulators/hubrise';
import { ensureInstalled, N8nLine, selectedLines } from './lib/lines';
import { N8nInstance, N8nServer, nodeOutput, packageProblems } from './lib/n8nInstance';
import { N8nRest } from './lib/n8nRest';
import { pollUntil, stopAll } from './lib/proc';
import { packRealPackage, readPackageJson } from './lib/realPackage';

const INSTALL_TIMEOUT = 45 * 60 * 1000;
const PKG = readPackageJson().name;
const HUBRISE = `${PKG}.hubRise`;
const TRIGGER = `${PKG}.hubRiseTrigger`;
const COVERED_HERE = ['hubriseApi', 'hubriseOAuth2Api'];
const APP_CRED = 'e2eHubRiseApp001';

let tarball: string;

beforeAll(async () => {
  tarball = await packRealPackage();
}, 180_000);

afterAll(async () => {
  await stopAll();
  if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
});

const manualTrigger = { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

function nodeWorkflow(id: string, credentials: Record<string, { id: string; name: string }>, authentication: string) {
  return {
    id,
    name: `e2e hubrise ${authentication}`,
    active: false,
    settings: {},
    nodes: [
      manualTrigger,
      {
        id: 'n1',
        name: 'Orders',
        type: HUBRISE,
        typeVersion: 1,
        position: [200, 0],
        parameters: { authentication, resource: 'order', operation: 'getAll', returnAll: false, limit: 3 },
        credentials,
      },
    ],
    connections: { Start: { main: [[{ node: 'Orders', type: 'main', index: 0 }]] } },
  };
}

describe.each(selectedLines().map((l) => [`${l.id} (n8n ${l.version})`, l] as const))('HubRise in n8n line %s', (_label, initialLine) => {
  let line: N8nLine = initialLine;
  let n8n: N8nInstance;
  let server: N8nServer | undefined;
  let rest: N8nRest;
  const sim = new HubRiseSimulator();
  let simUrl: string;
  let oauthCredential: { id: string; name: string };
  const used = new Set<string>();

  beforeAll(async () => {
    line = ensureInstalled(initialLine);
    simUrl = await sim.start();
    n8n = await N8nInstance.create({ line, packageTarball: tarball });
  }, INSTALL_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    await n8n?.dispose();
    await sim.stop();
  });

  test("'hubriseOAuth2Api': connect flow through n8n with the built scope; both credentials offered in the HTTP Request node", async () => {
    server = await n8n.startServer();
    rest = new N8nRest(server.baseUrl);
    await rest.setupOwner();
    expect(packageProblems(server.startupLog, PKG)).toEqual([]);

    // Both credentials are offered in the HTTP Request node.
    const types = await rest.credentialTypes();
    for (const name of COVERED_HERE) {
      expect({ name, httpRequestNode: types.find((t) => t.name === name)?.httpRequestNode?.name }).toEqual({ name, httpRequestNode: 'HubRise' });
    }

    const cred = await rest.createCredential('hubrise oauth2', 'hubriseOAuth2Api', {
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      accessLevel: 'location',
      permissions: ['orders.read', 'catalog.read'],
      profile: 'profile',
      baseUrlOverride: simUrl,
    });
    oauthCredential = { id: cred.id, name: 'hubrise oauth2' };
    const { authUrl } = await rest.connectOAuth2(cred.id);
    const auth = new URL(authUrl);
    expect(`${auth.origin}${auth.pathname}`).toBe(`${simUrl}/oauth2/v1/authorize`);
    expect(auth.searchParams.get('scope')).toBe('location[orders.read,catalog.read],profile');
    const tokenCalls = sim.tokenRequests();
    expect(tokenCalls).toHaveLength(1);
    expect(basicOf(tokenCalls[0]) ?? [(tokenCalls[0].body as Record<string, string>).client_id]).toEqual(expect.arrayContaining([sim.clientId]));
    const connection = [...sim.connections.values()][0];
    expect(connection.permissions).toEqual(new Set(['orders.read', 'catalog.read']));
    await server.stop();
    server = undefined;
  });

  // n8n 2.x publishes a workflow through an outbox that a background consumer works off: the activate call
  // answers 200 before the trigger's webhook `create` ran, so the test waits for the registration to arrive
  // (and for its removal after deactivation). 1.x registers inside the call; the wait then returns at once.
  test("'hubriseOAuth2Api': the trigger receives a signed callback on n8n's production URL and rejects a forged one", async () => {
    server = await n8n.startServer();
    rest = new N8nRest(server.baseUrl);
    await rest.login();
    const connection = [...sim.connections.values()][0];

    // An active workflow with the HubRise Trigger: activation sets the callback to n8n's production URL.
    const created = await rest.request('POST', '/rest/workflows', {
      name: 'e2e hubrise trigger',
      active: false,
      settings: {},
      connections: {},
      nodes: [
        {
          id: 't1',
          name: 'HubRise Trigger',
          type: TRIGGER,
          typeVersion: 1,
          position: [0, 0],
          webhookId: 'e2e-hubrise-hook',
          parameters: { authentication: 'hubriseOAuth2Api', events: ['order.create'] },
          credentials: { hubriseOAuth2Api: oauthCredential },
        },
      ],
    });
    expect({ status: created.status, text: created.text.slice(0, 400) }).toEqual({ status: 200, text: expect.any(String) });
    const workflow = created.json.data;
    const activated = await rest.request('POST', `/rest/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });
    expect({ status: activated.status, text: activated.text.slice(0, 300) }).toEqual({ status: 200, text: expect.any(String) });
    await pollUntil('the trigger to register its callback with HubRise', async () => connection.callback?.url ?? undefined, 30_000);
    expect(connection.callback?.url).toBe(`${server.baseUrl}/webhook/e2e-hubrise-hook/webhook`);
    expect(connection.callback?.events).toEqual({ order: ['create'] });

    await sim.emit(connection.token, { resource_type: 'order', event_type: 'create', order_id: 'ord00001', location_id: '3r4s3-1' });
    await sim.emit(connection.token, { resource_type: 'order', event_type: 'create', order_id: 'ord00002', location_id: '3r4s3-1' }, { forge: true });
    await sim.emit(connection.token, { resource_type: 'order', event_type: 'create', order_id: 'ord00003', location_id: '3r4s3-1' }, { omitSignature: true });
    // signed -> 200 and one execution; edited after signing -> 401; unsigned -> 401; neither starts anything
    expect(sim.callbackDeliveries.map((delivery) => delivery.status)).toEqual([200, 401, 401]);
    let executions: Array<{ workflowId: string }> = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      const listed = await rest.request('GET', '/rest/executions');
      executions = (listed.json?.data?.results ?? listed.json?.data ?? []).filter((e: { workflowId: string }) => String(e.workflowId) === String(workflow.id));
      if (executions.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(executions).toHaveLength(1);

    const deactivated = await rest.request('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
    expect(deactivated.status).toBe(200);
    await pollUntil('the trigger to remove its callback', async () => (connection.callback === null ? true : undefined), 30_000);
    expect(connection.callback).toBeNull();
    await server.stop();
    server = undefined;
  });

  test("'hubriseApi': the pasted code is exchanged once; the OAuth2 credential runs the node", async () => {
    const code = sim.issueCode('location[orders.read]');
    await n8n.importCredentials([
      {
        id: APP_CRED,
        name: 'hubrise app',
        type: 'hubriseApi',
        data: { clientId: sim.clientId, clientSecret: sim.clientSecret, customScope: 'location[orders.read]', authorizationCodeSecret: code, baseUrlOverride: simUrl, connectionToken: '' },
      },
    ]);
    await n8n.importWorkflow([
      nodeWorkflow('e2eHubRiseAppRun', { hubriseApi: { id: APP_CRED, name: 'hubrise app' } }, 'hubriseApi'),
      nodeWorkflow('e2eHubRiseOAuRun', { hubriseOAuth2Api: oauthCredential }, 'hubriseOAuth2Api'),
    ]);
    sim.server.clearLog();
    const first = await n8n.execute('e2eHubRiseAppRun');
    expect(nodeOutput(first, 'Orders')).toHaveLength(3);
    expect(sim.tokenRequests()).toHaveLength(1);
    expect(sim.tokenRequests()[0].body).toEqual({ code });
    const second = await n8n.execute('e2eHubRiseAppRun');
    expect(nodeOutput(second, 'Orders')).toHaveLength(3);
    expect(sim.tokenRequests()).toHaveLength(1);
    used.add('hubriseApi');

    const oauthRun = await n8n.execute('e2eHubRiseOAuRun');
    expect(nodeOutput(oauthRun, 'Orders')).toHaveLength(3);
    used.add('hubriseOAuth2Api');
    for (const request of sim.apiRequests()) {
      expect(request.headers['x-access-token']).toMatch(/^hr_at_/);
      expect(request.headers.authorization).toBeUndefined();
    }
    expect([...used].sort()).toEqual(COVERED_HERE);
  });
});
