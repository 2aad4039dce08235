// Fatture in Cloud in real n8n, for each n8n line (E2E_LINES=1,2; default all), against the simulator running in
// this jest process on 127.0.0.1. One n8n instance (user folder + SQLite DB) and one `n8n start` per line:
//   1. server: 'fattureInCloudOAuth2Api' connects through n8n itself (authorize URL with the picked scopes ->
//      simulator -> n8n's callback exchanges the code); the Company picker lists the simulator's companies through
//      n8n's REST API (resource-locator-results) with a 'fattureInCloudApi' manual token created over REST;
//      the Fatture in Cloud Trigger on an active workflow: subscription to n8n's production URL, verification GET
//      answered, a signed notification starts one execution, another key's gets 401, a repeated ce-id nothing
//   2. CLI (each execute is its own process): manual token workflow; OAuth2 workflow, then an expired access token
//      is refreshed by n8n and the returned refresh token stored; device code end to end
//      ('fattureInCloudDeviceCodeApi': code and link shown, approved, tokens stored, no token in the output);
//      refresh-token mode across processes ('fattureInCloudRefreshTokenApi': three processes a simulated month
//      apart, each stores the newest refresh token)
//   3. every credential type of Fatture in Cloud was used by an executed workflow
// Needs `npm run build` first (the test refuses a stale dist/).
import * as fs from 'fs';
import * as path from 'path';
import { bearerOf } from '../simulators/framework';
import { FattureInCloudSimulator } from '../simulators/fattureincloud';
import { ensureInstalled, N8nLine, selectedLines } from './lib/lines';
import { N8nInstance, N8nRun, N8nServer, nodeOutput, outboundAttempts, packageProblems } from './lib/n8nInstance';
import { N8nRest } from './lib/n8nRest';
import { pollUntil, stopAll } from './lib/proc';
import { packRealPackage, readPackageJson } from './lib/realPackage';

const INSTALL_TIMEOUT = 45 * 60 * 1000;
const PKG = readPackageJson().name;
const NODE = `${PKG}.fattureInCloud`;
const TRIGGER = `${PKG}.fattureInCloudTrigger`;
const INVOICE_CREATE = 'it.fattureincloud.webhooks.issued_documents.invoices.create';
const COVERED_HERE = ['fattureInCloudApi', 'fattureInCloudDeviceCodeApi', 'fattureInCloudOAuth2Api', 'fattureInCloudRefreshTokenApi'];
const SCOPES = ['entity.clients:r', 'issued_documents.invoices:r'];
const MONTH = 30 * 24 * 3600;

let tarball: string;
const timings: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  tarball = await packRealPackage();
}, 180_000);

afterAll(async () => {
  await stopAll();
  if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`e2e Fatture in Cloud timings (ms):\n${JSON.stringify(timings, null, 2)}`);
});

interface Workflow {
  id: string;
  name: string;
  active: boolean;
  settings: object;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  nodes: any[];
  connections: Record<string, unknown>;
}

const manualTrigger = { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

/** Manual Trigger → User: Get Info → Issued Documents: Get Many (3 invoices), with one credential. */
function workflow(id: string, credentialType: string, credential: { id: string; name: string }): Workflow {
  const credentials = { [credentialType]: credential };
  const nodes = [
    { name: 'User', parameters: { authentication: credentialType, resource: 'user', operation: 'getInfo' } },
    { name: 'Invoices', parameters: { authentication: credentialType, resource: 'issuedDocument', operation: 'getAll', type: 'invoice', returnAll: false, limit: 3 } },
  ].map((node, i) => ({ id: `n${i}`, type: NODE, typeVersion: 1, position: [200 * (i + 1), 0], credentials, ...node }));
  return {
    id,
    name: `e2e fattureincloud ${credentialType}`,
    active: false,
    settings: {},
    nodes: [manualTrigger, ...nodes],
    connections: {
      Start: { main: [[{ node: 'User', type: 'main', index: 0 }]] },
      User: { main: [[{ node: 'Invoices', type: 'main', index: 0 }]] },
    },
  };
}

describe.each(selectedLines().map((l) => [`${l.id} (n8n ${l.version})`, l] as const))('n8n line %s', (label, initialLine) => {
  let line: N8nLine = initialLine;
  let n8n: N8nInstance;
  let server: N8nServer | undefined;
  let rest: N8nRest;
  const sim = new FattureInCloudSimulator();
  let simUrl: string;
  const used = new Set<string>();
  const t = (timings[label] ??= {});
  let oauthId = '';
  /** The device flow's first run, which stops with the code on purpose. */
  let deviceStep1: unknown;
  let manualId = '';

  async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      t[what] = Date.now() - t0;
    }
  }

  async function execute(wf: Workflow, what: string): Promise<N8nRun> {
    const run = await timed(what, () => n8n.execute(wf.id));
    for (const node of wf.nodes) for (const type of Object.keys(node.credentials ?? {})) used.add(type);
    return run;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function stored(id: string): Promise<any> {
    const all = await timed(`export:credentials ${id}`, () => n8n.exportCredentials());
    return all.find((c) => c.id === id)?.data;
  }

  /** No token the simulator ever issued (nor a device code, nor the client secret) in what a run printed. */
  function expectNoSecret(text: string): void {
    for (const secret of [sim.clientSecret, ...sim.accessTokens.keys(), ...sim.refreshTokens.keys(), ...sim.devices.keys()]) {
      expect({ leaked: text.includes(secret) }).toEqual({ leaked: false });
    }
  }

  beforeAll(async () => {
    line = ensureInstalled(initialLine);
    simUrl = await sim.start();
    sim.deviceIntervalSeconds = 1;
    n8n = await N8nInstance.create({ line, packageTarball: tarball });
  }, INSTALL_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    await n8n?.dispose();
    await sim.stop();
  });

  test("server: 'fattureInCloudOAuth2Api' connects through n8n; the Company picker lists the simulator's companies over REST", async () => {
    server = await timed('n8n start until REST ready', () => n8n.startServer());
    rest = new N8nRest(server.baseUrl);
    await rest.setupOwner();
    expect(packageProblems(server.startupLog, PKG)).toEqual([]);

    const oauth = await rest.createCredential('fic oauth2', 'fattureInCloudOAuth2Api', { clientId: sim.clientId, clientSecret: sim.clientSecret, baseUrlOverride: simUrl });
    oauthId = oauth.id;
    const { authUrl, callbackUrl } = await timed('OAuth2 connect flow', () => rest.connectOAuth2(oauthId));
    const auth = new URL(authUrl);
    expect(`${auth.origin}${auth.pathname}`).toBe(`${simUrl}/oauth/authorize`);
    expect(auth.searchParams.get('scope')).toBe(SCOPES.join(' ')); // least privilege by default
    expect(auth.searchParams.get('client_id')).toBe(sim.clientId);
    expect(new URL(callbackUrl).searchParams.get('code')).toMatch(/^c\/fic/);
    const exchange = sim.server.requestsTo('POST', '/oauth/token');
    expect(exchange).toHaveLength(1);
    expect(exchange[0].body).toMatchObject({ grant_type: 'authorization_code', client_id: sim.clientId, client_secret: sim.clientSecret });

    sim.companies = [
      { id: 12345, name: 'Studio Rossi', vat_number: '03881520161', type: 'company' },
      { id: 777, name: 'Bianchi SRL', vat_number: '09876543210', type: 'company' },
    ];
    const manual = await rest.createCredential('fic manual', 'fattureInCloudApi', { accessToken: sim.issueManualToken(SCOPES), baseUrlOverride: simUrl });
    manualId = manual.id;
    const picker = await timed('company picker over REST', () =>
      rest.request('POST', '/rest/dynamic-node-parameters/resource-locator-results', {
        path: 'parameters.companyId',
        nodeTypeAndVersion: { name: NODE, version: 1 },
        methodName: 'searchCompanies',
        currentNodeParameters: { authentication: 'fattureInCloudApi', resource: 'company', operation: 'getInfo' },
        credentials: { fattureInCloudApi: { id: manualId, name: 'fic manual' } },
      }),
    );
    expect(picker.status).toBe(200);
    expect(picker.json.data.results).toEqual([
      { name: 'Bianchi SRL · P.IVA 09876543210', value: '777' },
      { name: 'Studio Rossi · P.IVA 03881520161', value: '12345' },
    ]);
    expect(picker.text).not.toContain('company-token');
    sim.companies = [{ id: 12345, name: 'Studio Rossi', vat_number: '03881520161', type: 'company' }];
    // The server stays up for the trigger step below (one `n8n start` per line).
  });

  // n8n 2.x publishes a workflow through an outbox that a background consumer works off: the activate call
  // answers 200 before the trigger's webhook `create` ran, so the test waits for the subscription to appear
  // (and to go after deactivation). 1.x subscribes inside the call; the wait then returns at once.
  test("server: the Fatture in Cloud Trigger on an active workflow verifies a signed notification on n8n's production URL and refuses a forged one", async () => {
    expect(server && manualId).toBeTruthy();
    const created = await rest.request('POST', '/rest/workflows', {
      name: 'e2e fattureincloud trigger',
      active: false,
      settings: {},
      connections: {},
      nodes: [
        {
          id: 't1',
          name: 'Fatture in Cloud Trigger',
          type: TRIGGER,
          typeVersion: 1,
          position: [0, 0],
          webhookId: 'e2e-fic-hook',
          parameters: {
            authentication: 'fattureInCloudApi',
            companyId: { __rl: true, mode: 'id', value: '12345' },
            events: [INVOICE_CREATE],
            options: { publicKeyOverride: sim.webhooks.signing.publicPem },
          },
          credentials: { fattureInCloudApi: { id: manualId, name: 'fic manual' } },
        },
      ],
    });
    expect({ status: created.status, text: created.text.slice(0, 400) }).toEqual({ status: 200, text: expect.any(String) });
    const wf = created.json.data;
    const activated = await timed('trigger: activate', () => rest.request('POST', `/rest/workflows/${wf.id}/activate`, { versionId: wf.versionId }));
    expect({ status: activated.status, text: activated.text.slice(0, 300) }).toEqual({ status: 200, text: expect.any(String) });
    // The subscription is stored before the simulator's verification GET is answered: wait for both.
    const verifiedSubscription = () => {
      const found = sim.webhooks.of(12345)[0];
      return found && sim.webhooks.deliveries.some((delivery) => delivery.kind === 'verification' && delivery.subscriptionId === found.id) ? found : undefined;
    };
    const sub = await timed('trigger: wait for the subscription', () => pollUntil('the trigger to subscribe', async () => verifiedSubscription(), 30_000));
    const sink = `${server!.baseUrl}/webhook/e2e-fic-hook/webhook`;
    expect(sub).toMatchObject({ sink, types: [INVOICE_CREATE], verificationMethod: 'header' });
    // The verification GET went to n8n's production URL while the subscription was created and was answered.
    const verification = sim.webhooks.deliveries.find((delivery) => delivery.kind === 'verification');
    expect({ status: verification?.status, answer: verification?.responseBody }).toEqual({ status: 200, answer: JSON.stringify({ verification: verification?.headers['x-fic-verification-challenge'] }) });
    expect(sub.verified).toBe(true);

    const [signed] = await sim.webhooks.notify(12345, INVOICE_CREATE, { ids: [3062300] });
    const [forged] = await sim.webhooks.notify(12345, INVOICE_CREATE, { forge: 'otherKey' });
    const [repeated] = await sim.webhooks.notify(12345, INVOICE_CREATE, { eventId: signed.eventId });
    // signed -> 200 and one execution; another key -> 401; the same ce-id again -> 200, nothing started
    expect([signed.status, forged.status, repeated.status]).toEqual([200, 401, 200]);
    expect(JSON.parse(repeated.responseBody)).toEqual({ message: 'Already received' });
    const executionsOf = async (): Promise<unknown[]> => {
      const listed = await rest.request('GET', '/rest/executions');
      return (listed.json?.data?.results ?? listed.json?.data ?? []).filter((e: { workflowId: string }) => String(e.workflowId) === String(wf.id));
    };
    await pollUntil('the execution of the signed notification', async () => ((await executionsOf()).length > 0 ? true : undefined), 10_000);
    // A little longer, so that a second execution (none expected) would have been listed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const executions = await executionsOf();
    expect(executions).toHaveLength(1);
    used.add('fattureInCloudApi');

    const deactivated = await timed('trigger: deactivate', () => rest.request('POST', `/rest/workflows/${wf.id}/deactivate`, {}));
    expect(deactivated.status).toBe(200);
    await pollUntil('the trigger to delete its subscription', async () => (sim.webhooks.of(12345).length === 0 ? true : undefined), 30_000);

    await timed('server stop', () => server!.stop());
    expect(packageProblems(server!.log(), PKG)).toEqual([]);
    server = undefined;
    // (from the first step) the OAuth2 connection stored a token with exactly the picked scopes
    const tokenData = (await stored(oauthId)).oauthTokenData;
    expect(sim.accessTokens.get(tokenData.access_token)?.scopes).toEqual(new Set(SCOPES));
  });

  test("'fattureInCloudApi' and 'fattureInCloudOAuth2Api' workflows run; an expired OAuth2 token is refreshed and the returned refresh token stored", async () => {
    expect(oauthId && manualId).toBeTruthy();
    const manualWf = workflow('e2eFicManual0001', 'fattureInCloudApi', { id: manualId, name: 'fic manual' });
    const oauthWf = workflow('e2eFicOAuth20001', 'fattureInCloudOAuth2Api', { id: oauthId, name: 'fic oauth2' });
    await timed('import:workflow', () => n8n.importWorkflow([manualWf, oauthWf]));

    sim.server.clearLog();
    const manual = await execute(manualWf, 'manual token run');
    expect(nodeOutput(manual, 'User')[0]).toMatchObject({ data: { name: 'Mario Rossi' } });
    expect(nodeOutput(manual, 'Invoices').map((invoice) => invoice.id)).toEqual([1, 2, 3]);

    const before = (await stored(oauthId)).oauthTokenData;
    sim.server.clearLog();
    const oauth = await execute(oauthWf, 'oauth2 run');
    expect(nodeOutput(oauth, 'Invoices')).toHaveLength(3);
    expect(sim.server.requestsTo('GET', '/user/info').map(bearerOf)).toEqual([before.access_token]);

    sim.expireAccessTokens();
    sim.server.clearLog();
    await execute(oauthWf, 'oauth2 run after expiry');
    expect(sim.refreshRequests()).toHaveLength(1);
    expect(sim.refreshRequests()[0].body).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refresh_token });
    const after = (await stored(oauthId)).oauthTokenData;
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(sim.refreshTokens.get(after.refresh_token)?.live).toBe(true);
  });

  test("'fattureInCloudDeviceCodeApi': device code end to end, no token in any output", async () => {
    await timed('import:credentials (device)', () =>
      n8n.importCredentials([{ id: 'e2eFicDevice0001', name: 'fic device', type: 'fattureInCloudDeviceCodeApi', data: { clientId: sim.deviceClientId, scopes: SCOPES, baseUrlOverride: simUrl, accessToken: '' } }]),
    );
    const wf = workflow('e2eFicDevice0001', 'fattureInCloudDeviceCodeApi', { id: 'e2eFicDevice0001', name: 'fic device' });
    await timed('import:workflow (device)', () => n8n.importWorkflow([wf]));

    // Step 1: the run stops with the code and the link.
    const first = await timed('device: first run', () => n8n.executeRaw(wf.id));
    expect(first.ok).toBe(false);
    deviceStep1 = first.cli;
    const state = await stored('e2eFicDevice0001');
    expect(state.userCode).toMatch(/^[A-Z]+-[A-Z]+$/);
    const firstOutput = first.cli.stdout + first.cli.stderr;
    expect(firstOutput).toContain(`open ${sim.verificationUri} and enter the code ${state.userCode}, then run this step again`);
    expectNoSecret(firstOutput);

    // The user approves in Fatture in Cloud; step 2: the same run polls and stores the tokens.
    sim.decide(state.userCode, 'approved');
    const second = await timed('device: second run', () => n8n.executeRaw(wf.id));
    expect(second.ok).toBe(true);
    expect(nodeOutput(second.run, 'Invoices')).toHaveLength(3);
    used.add('fattureInCloudDeviceCodeApi');
    expectNoSecret(second.cli.stdout + second.cli.stderr);
    const connected = await stored('e2eFicDevice0001');
    expect(connected.accessToken).toMatch(/^a\/fic/);
    expect(connected.refreshToken).toMatch(/^r\/fic/);
    expect(connected.deviceCodeSecret).toBe('');
    expect(sim.devicePolls()).toHaveLength(1);
  });

  test("'fattureInCloudRefreshTokenApi': three processes a simulated month apart each store the newest refresh token", async () => {
    const first = sim.issuePair(SCOPES).refresh_token;
    await timed('import:credentials (refresh)', () =>
      n8n.importCredentials([{ id: 'e2eFicRefresh001', name: 'fic refresh', type: 'fattureInCloudRefreshTokenApi', data: { clientId: sim.clientId, clientSecret: sim.clientSecret, refreshToken: first, baseUrlOverride: simUrl, accessToken: '' } }]),
    );
    const wf = workflow('e2eFicRefresh001', 'fattureInCloudRefreshTokenApi', { id: 'e2eFicRefresh001', name: 'fic refresh' });
    await timed('import:workflow (refresh)', () => n8n.importWorkflow([wf]));
    const seen = [first];
    for (let month = 0; month < 3; month++) {
      if (month > 0) sim.advance(MONTH);
      sim.server.clearLog();
      const run = await execute(wf, `refresh-token run, month ${month}`);
      expect(nodeOutput(run, 'Invoices')).toHaveLength(3);
      expect(sim.refreshRequests()).toHaveLength(1);
      const data = await stored('e2eFicRefresh001');
      expect(seen).not.toContain(data.refreshToken);
      expect(sim.refreshTokens.get(data.refreshToken)?.live).toBe(true);
      for (const earlier of seen) expect(sim.refreshTokens.get(earlier)?.live).toBe(false);
      seen.push(data.refreshToken);
    }
  });

  test('every Fatture in Cloud credential type was used by an executed workflow; no process logged a package problem', () => {
    expect([...used].sort()).toEqual(COVERED_HERE);
    for (const { args, result } of n8n.cliLog) {
      if (result === deviceStep1) continue; // step 1 of the device login stops with the code on purpose
      const log = result.stdout + result.stderr;
      expect({ args: args[0], problems: packageProblems(log, PKG), outbound: outboundAttempts(log) }).toEqual({ args: args[0], problems: [], outbound: [] });
    }
  });
});
