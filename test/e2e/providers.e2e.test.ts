// The real package (built dist/, packed once with npm pack) inside real n8n, for each n8n line
// (E2E_LINES=1,2; default all), against the provider simulators running in this jest process on 127.0.0.1.
// One n8n instance (user folder + SQLite DB) per line, one server start per line; everything else is CLI:
//   1. startup: the package loads with no error/warning; /types/*.json list exactly our nodes and credentials
//   2. Checkfront OAuth2 connect flow through n8n's REST API (authorize URL -> simulator -> callback)
//   3. fiskaly: every family's token exchange, persisted tokens, reuse across processes, refresh on 401,
//      an expired token replaced before use, a rejected key reported without secrets
//   4. Checkfront token pair: ping + bookings with HTTP Basic
//   5. Checkfront OAuth2 workflow run, then access token expired -> refresh, rotated refresh token persisted
//   6. every credential type of fiskaly and Checkfront was used by an executed workflow
// Needs `npm run build` first (the test refuses a stale dist/).
import * as fs from 'fs';
import * as path from 'path';
import { basicOf, bearerOf } from '../simulators/framework';
import { CheckfrontSimulator } from '../simulators/checkfront';
import { FiskalySimulator } from '../simulators/fiskaly';
import { ensureInstalled, N8nLine, selectedLines } from './lib/lines';
import { N8nInstance, N8nRun, N8nServer, nodeOutput, outboundAttempts, packageProblems } from './lib/n8nInstance';
import { N8nRest } from './lib/n8nRest';
import { stopAll } from './lib/proc';
import { declaredCredentialTypes, declaredNodeTypes, packRealPackage, readPackageJson } from './lib/realPackage';

const INSTALL_TIMEOUT = 45 * 60 * 1000;
const PKG = readPackageJson().name;
const FISKALY = `${PKG}.fiskaly`;
const CHECKFRONT = `${PKG}.checkfront`;
/** The credential types whose end-to-end story this file tells. */
const COVERED_HERE = ['checkfrontApi', 'checkfrontOAuth2Api', 'fiskalyApi'];

let tarball: string;
const timings: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  tarball = await packRealPackage();
}, 180_000);

afterAll(async () => {
  await stopAll();
  if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`e2e provider timings (ms):\n${JSON.stringify(timings, null, 2)}`);
});

// --- workflows ---------------------------------------------------------------------------------------

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

/** A Manual Trigger followed by `nodes` in a chain. */
function chain(id: string, name: string, nodes: Array<{ name: string; type: string; parameters: object; credentials?: object }>): Workflow {
  const connections: Record<string, unknown> = {};
  let previous = manualTrigger.name;
  for (const node of nodes) {
    connections[previous] = { main: [[{ node: node.name, type: 'main', index: 0 }]] };
    previous = node.name;
  }
  return {
    id,
    name,
    active: false,
    settings: {},
    nodes: [manualTrigger, ...nodes.map((n, i) => ({ id: `n${i}`, typeVersion: 1, position: [200 * (i + 1), 0], ...n }))],
    connections,
  };
}

/** fiskaly families: [family, API path the node calls, token path, token shape]. */
const FAMILIES = [
  ['signDe', '/tss', '/api/v2/auth', 'flat'],
  ['signAt', '/signature-creation-unit', '/api/v1/auth', 'flat'],
  ['dsfinvk', '/cash_registers', '/api/v1/auth', 'flat'],
  ['eReceipt', '/receipts', '/api/v1/auth', 'flat'],
  ['management', '/organizations', '/api/v0/auth', 'flat'],
  ['signEs', '/taxpayer', '/api/v1/auth', 'envelope'],
  ['unified', '/systems', '/tokens', 'unified'],
] as const;
const fiskalyCredId = (i: number) => `e2eFiskalyCred0${i}`;
const FISKALY_BAD_CRED = 'e2eFiskalyCredBd';
const BAD_SECRET = 'WRONG-secret-e2e-4242';
const CF_TOKEN_CRED = 'e2eCheckfrontTok';

const fiskalyWorkflow = chain(
  'e2eFiskalyFamily',
  'e2e fiskaly families',
  FAMILIES.map(([family, apiPath], i) => ({
    name: `fiskaly ${family}`,
    type: FISKALY,
    parameters:
      family === 'signEs'
        ? { resource: 'esTaxpayer', operation: 'createOrUpdate', content: '{"territory":"SPAIN_OTHER"}' }
        : { resource: 'customApiCall', operation: 'call', method: 'GET', path: apiPath },
    credentials: { fiskalyApi: { id: fiskalyCredId(i), name: `fiskaly ${family}` } },
  })),
);

const fiskalyBadWorkflow = chain('e2eFiskalyBadKey', 'e2e fiskaly rejected key', [
  { name: 'fiskaly', type: FISKALY, parameters: { resource: 'tss', operation: 'getAll' }, credentials: { fiskalyApi: { id: FISKALY_BAD_CRED, name: 'fiskaly bad key' } } },
]);

function checkfrontWorkflow(id: string, credentialType: 'checkfrontApi' | 'checkfrontOAuth2Api', credential: { id: string; name: string }): Workflow {
  const credentials = { [credentialType]: credential };
  return chain(id, `e2e checkfront ${credentialType}`, [
    { name: 'Ping', type: CHECKFRONT, parameters: { authentication: credentialType, resource: 'account', operation: 'ping' }, credentials },
    {
      name: 'Bookings',
      type: CHECKFRONT,
      parameters: { authentication: credentialType, resource: 'booking', operation: 'getAll', returnAll: false, limit: 5 },
      credentials,
    },
  ]);
}
const checkfrontTokenWorkflow = checkfrontWorkflow('e2eCfTokenPair01', 'checkfrontApi', { id: CF_TOKEN_CRED, name: 'checkfront token pair' });
const CF_OAUTH_WORKFLOW_ID = 'e2eCfOAuth2Flow1';

// Faults (issue 9 item 6): one workflow, every node Continue On Fail so each fault yields its error item.
const CF_DEAD_CRED = 'e2eCfOAuthDead01';
const DEAD_REFRESH_TOKEN = 'cf_rt_dead_e2e_4242';
const FAULTS_WORKFLOW_ID = 'e2eFaultsBothLn1';
const faultsWorkflow = (() => {
  const token = { checkfrontApi: { id: CF_TOKEN_CRED, name: 'checkfront token pair' } };
  const dead = { checkfrontOAuth2Api: { id: CF_DEAD_CRED, name: 'checkfront oauth2 dead' } };
  const get = (bookingId: string) => ({ authentication: 'checkfrontApi', resource: 'booking', operation: 'get', bookingId });
  const wf = chain(FAULTS_WORKFLOW_ID, 'e2e faults on both lines', [
    { name: 'Reset once', type: CHECKFRONT, parameters: { authentication: 'checkfrontApi', resource: 'account', operation: 'ping' }, credentials: token },
    { name: 'HTML page', type: CHECKFRONT, parameters: get('CFPP-100001'), credentials: token },
    { name: 'Exhausted 503', type: CHECKFRONT, parameters: get('CFPP-100002'), credentials: token },
    { name: 'Dead refresh token', type: CHECKFRONT, parameters: { authentication: 'checkfrontOAuth2Api', resource: 'account', operation: 'ping' }, credentials: dead },
  ]);
  for (const n of wf.nodes.slice(1)) n.onError = 'continueRegularOutput';
  return wf;
})();
/** Error items of the faults workflow per line, compared across the lines at the end. */
const faultMessages: Record<string, Record<string, unknown>> = {};

// Issue 8 item 7: n8n's HTTP Request node with each credential type as "predefined credential type".
const HTTP_REQUEST_WORKFLOW_ID = 'e2eHttpReqCreds1';
function httpRequestWorkflow(fiskalyUrl: string, checkfrontUrl: string, oauthCredentialId: string): Workflow {
  const http = (name: string, url: string, type: string, credential: { id: string; name: string }) => ({
    name,
    type: 'n8n-nodes-base.httpRequest',
    typeVersion: 4.2,
    parameters: { method: 'GET', url, authentication: 'predefinedCredentialType', nodeCredentialType: type, options: {} },
    credentials: { [type]: credential },
  });
  return chain(HTTP_REQUEST_WORKFLOW_ID, 'e2e HTTP Request node with the package credentials', [
    http('HTTP fiskalyApi', `${fiskalyUrl}/api/v2/tss`, 'fiskalyApi', { id: fiskalyCredId(0), name: 'fiskaly signDe' }),
    http('HTTP checkfrontApi', `${checkfrontUrl}/api/3.0/ping`, 'checkfrontApi', { id: CF_TOKEN_CRED, name: 'checkfront token pair' }),
    http('HTTP checkfrontOAuth2Api', `${checkfrontUrl}/api/3.0/ping`, 'checkfrontOAuth2Api', { id: oauthCredentialId, name: 'checkfront oauth2' }),
  ]);
}

// --- the suite -----------------------------------------------------------------------------------------

describe.each(selectedLines().map((l) => [`${l.id} (n8n ${l.version})`, l] as const))('n8n line %s', (label, initialLine) => {
  let line: N8nLine = initialLine;
  let n8n: N8nInstance;
  let server: N8nServer | undefined;
  let rest: N8nRest;
  const fiskaly = new FiskalySimulator({ tssCount: 2 });
  const checkfront = new CheckfrontSimulator();
  let fiskalyUrl: string;
  let checkfrontUrl: string;
  /** Credential types of every workflow that executed successfully. */
  const usedCredentialTypes = new Set<string>();
  const workflows = new Map<string, Workflow>();
  const t = (timings[label] ??= {});

  async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      t[what] = Date.now() - t0;
    }
  }

  async function importWorkflows(list: Workflow[]): Promise<void> {
    for (const wf of list) workflows.set(wf.id, wf);
    await n8n.importWorkflow(list);
  }

  /** Executes a workflow (throws on failure) and records the credential types it used. */
  async function execute(id: string, what: string): Promise<N8nRun> {
    const run = await timed(what, () => n8n.execute(id));
    for (const node of workflows.get(id)?.nodes ?? []) for (const type of Object.keys(node.credentials ?? {})) usedCredentialTypes.add(type);
    return run;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function stored(): Promise<Record<string, any>> {
    const all = await timed('export:credentials', () => n8n.exportCredentials());
    return Object.fromEntries(all.map((c) => [c.id, c]));
  }

  function clearSimulators(): void {
    fiskaly.tokenCalls.length = 0;
    fiskaly.server.clearLog();
    checkfront.server.clearLog();
  }

  beforeAll(async () => {
    line = ensureInstalled(initialLine);
    fiskalyUrl = await fiskaly.start();
    checkfrontUrl = await checkfront.start();
    n8n = await N8nInstance.create({ line, packageTarball: tarball });
  }, INSTALL_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    await n8n?.dispose();
    await fiskaly.stop();
    await checkfront.stop();
  });

  test('startup: the package loads cleanly and /types lists exactly its nodes and credentials', async () => {
    server = await timed('n8n start until REST ready', () => n8n.startServer());
    rest = new N8nRest(server.baseUrl);
    await rest.setupOwner();
    expect(packageProblems(server.startupLog, PKG)).toEqual([]);
    expect(outboundAttempts(server.startupLog)).toEqual([]);

    // ours = every type n8n attributes to the package (by node type prefix; credentials by icon path or supported nodes)
    const refersToPackage = (value: unknown) => JSON.stringify(value ?? null).includes(`${PKG}/`) || JSON.stringify(value ?? null).includes(`"${PKG}.`);
    const nodeTypes = (await rest.nodeTypes()).filter((n) => String(n.name).startsWith(`${PKG}.`));
    expect([...new Set(nodeTypes.map((n) => n.name as string))].sort()).toEqual(declaredNodeTypes());
    expect(declaredNodeTypes()).toEqual(expect.arrayContaining([CHECKFRONT, `${CHECKFRONT}Tool`, FISKALY, `${FISKALY}Tool`]));

    const credentialTypes = (await rest.credentialTypes()).filter(
      (c) => declaredCredentialTypes().includes(c.name) || refersToPackage(c.iconUrl) || refersToPackage(c.supportedNodes),
    );
    expect(credentialTypes.map((c) => c.name as string).sort()).toEqual(declaredCredentialTypes());
    // every credential is used by at least one node of the package (HubRise's by its node and its two triggers), and only by ours
    for (const c of credentialTypes) {
      const supported = (c.supportedNodes ?? []) as string[];
      expect({ name: c.name, some: supported.length > 0, ours: supported.every((n) => n.startsWith(`${PKG}.`)) }).toEqual({ name: c.name, some: true, ours: true });
    }

    // the icons n8n will show for them are served
    const icons = [...nodeTypes, ...credentialTypes].flatMap((x) => (typeof x.iconUrl === 'string' ? [x.iconUrl] : Object.values(x.iconUrl ?? {})) as string[]);
    expect(icons.length).toBeGreaterThanOrEqual(nodeTypes.length + credentialTypes.length);
    for (const icon of new Set(icons)) {
      const r = await rest.request('GET', `/${icon}`);
      expect({ icon, status: r.status, svg: r.text.includes('<svg') }).toEqual({ icon, status: 200, svg: true });
    }
    expect(declaredCredentialTypes()).toEqual(expect.arrayContaining(COVERED_HERE));
  });

  let oauthCredentialId: string;
  let connectedTokens: { access_token: string; refresh_token: string };

  test('checkfrontOAuth2Api: the connect flow through n8n stores the token pair', async () => {
    if (!server) throw new Error('server did not start');
    clearSimulators();
    const cred = await rest.createCredential('checkfront oauth2', 'checkfrontOAuth2Api', {
      host: checkfrontUrl,
      clientId: checkfront.clientId,
      clientSecret: checkfront.clientSecret,
    });
    oauthCredentialId = cred.id;
    const { authUrl, callbackUrl } = await timed('OAuth2 connect flow', () => rest.connectOAuth2(cred.id));
    const auth = new URL(authUrl);
    expect(`${auth.origin}${auth.pathname}`).toBe(`${checkfrontUrl}/oauth/`);
    expect(auth.searchParams.get('client_id')).toBe(checkfront.clientId);
    expect(auth.searchParams.get('redirect_uri')).toBe(`${server.baseUrl}/rest/oauth2-credential/callback`);
    expect(new URL(callbackUrl).searchParams.get('code')).toMatch(/^cf_code/);

    // n8n exchanged the code at the simulator: consumer key/secret as HTTP Basic, nothing in the body
    const tokenCalls = checkfront.server.requestsTo('POST', /^\/oauth\/token\/?$/);
    expect(tokenCalls).toHaveLength(1);
    expect(basicOf(tokenCalls[0])).toEqual([checkfront.clientId, checkfront.clientSecret]);
    expect(tokenCalls[0].body).toMatchObject({ grant_type: 'authorization_code' });
    expect((tokenCalls[0].body as Record<string, string>).client_secret).toBeUndefined();

    await timed('server stop', () => server!.stop());
    expect(packageProblems(server.log(), PKG)).toEqual([]);
    server = undefined;

    const persisted = (await stored())[oauthCredentialId];
    expect(persisted.type).toBe('checkfrontOAuth2Api');
    const tokenData = persisted.data.oauthTokenData;
    expect(tokenData).toMatchObject({ access_token: expect.stringMatching(/^cf_at/), refresh_token: expect.stringMatching(/^cf_rt/) });
    expect(checkfront.accessTokens.has(tokenData.access_token)).toBe(true);
    expect(checkfront.refreshTokens.get(tokenData.refresh_token)?.live).toBe(true);
    connectedTokens = tokenData;
  });

  test('fiskaly: every family exchanges its key, persists tokens and expiries, reuses them from a new process', async () => {
    const credentials: object[] = FAMILIES.map(([family], i) => ({
      id: fiskalyCredId(i),
      name: `fiskaly ${family}`,
      type: 'fiskalyApi',
      data: { family, environment: 'test', apiKey: fiskaly.apiKey, apiSecret: fiskaly.apiSecret, baseUrlOverride: fiskalyUrl, accessToken: '' },
    }));
    credentials.push({
      id: FISKALY_BAD_CRED,
      name: 'fiskaly bad key',
      type: 'fiskalyApi',
      data: { family: 'signDe', environment: 'test', apiKey: fiskaly.apiKey, apiSecret: BAD_SECRET, baseUrlOverride: fiskalyUrl, accessToken: '' },
    });
    credentials.push({
      id: CF_TOKEN_CRED,
      name: 'checkfront token pair',
      type: 'checkfrontApi',
      data: { host: checkfrontUrl, apiKey: checkfront.apiKey, apiSecret: checkfront.apiSecret },
    });
    await timed('import:credentials', () => n8n.importCredentials(credentials));
    await timed('import:workflow', () => importWorkflows([fiskalyWorkflow, fiskalyBadWorkflow, checkfrontTokenWorkflow]));

    clearSimulators();
    const run = await execute(fiskalyWorkflow.id, 'fiskaly: first run');
    expect(fiskaly.tokenCalls).toHaveLength(FAMILIES.length);
    for (const [family, apiPath, tokenPath, shape] of FAMILIES) {
      expect({ family, exchanged: fiskaly.server.requestsTo('POST', tokenPath).length > 0 }).toEqual({ family, exchanged: true });
      expect({ family, ok: fiskaly.tokenCalls.some((c) => c.shape === shape && c.grant === 'key' && c.ok) }).toEqual({ family, ok: true });
      expect({ family, output: nodeOutput(run, `fiskaly ${family}`).length }).toEqual({ family, output: 1 });
      if (family !== 'signEs') expect(fiskaly.server.requests.some((r) => r.method === 'GET' && r.path.endsWith(apiPath))).toBe(true);
    }
    expect(nodeOutput(run, 'fiskaly signDe')[0].data.map((t: { _id: string }) => t._id)).toEqual([...fiskaly.tss.keys()]);
    expect(nodeOutput(run, 'fiskaly signEs')[0]).toMatchObject({ content: { territory: 'SPAIN_OTHER' } });
    expect(fiskaly.unauthorisedApiCalls()).toBe(0);

    const persisted = await stored();
    FAMILIES.forEach(([family], i) => {
      const data = persisted[fiskalyCredId(i)].data;
      const apiCalls = fiskaly.server.requests.filter((r) => !['/api/v2/auth', '/api/v1/auth', '/api/v0/auth', '/tokens'].includes(r.path));
      expect({ family, tokenUsed: apiCalls.some((r) => bearerOf(r) === data.accessToken) }).toEqual({ family, tokenUsed: true });
      expect(data.accessToken).toMatch(/^fsk_at_/);
      expect(Date.parse(data.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 23 * 3600e3);
      if (family === 'unified') {
        expect(data.refreshToken).toBe(''); // the unified API issues no refresh token
      } else {
        expect(data.refreshToken).toMatch(/^fsk_rt_/);
        expect(Date.parse(data.refreshTokenExpiresAt)).toBeGreaterThan(Date.now() + 47 * 3600e3);
      }
    });

    clearSimulators();
    const again = await execute(fiskalyWorkflow.id, 'fiskaly: second run (reuse)');
    expect(fiskaly.tokenCalls).toHaveLength(0);
    expect(fiskaly.server.requests.length).toBeGreaterThanOrEqual(FAMILIES.length);
    expect(nodeOutput(again, 'fiskaly signDe')[0].data).toHaveLength(2);
    const reused = fiskaly.server.requests.map((r) => bearerOf(r));
    FAMILIES.forEach((_f, i) => expect(reused).toContain(persisted[fiskalyCredId(i)].data.accessToken));
  });

  test('fiskaly: a 401 mid-run leads to a refresh and the new token is persisted', async () => {
    const before = await stored();
    // fiskaly drops every access token when the 2nd API call arrives (node "fiskaly signAt"): signDe has
    // already succeeded; every later node meets a 401 with a token whose stored expiry still lies ahead
    fiskaly.expireAccessTokensOnRequest(2);
    clearSimulators();
    await execute(fiskalyWorkflow.id, 'fiskaly: run with a 401 mid-run');
    const grants = fiskaly.tokenCalls.map((c) => `${c.shape}:${c.grant}:${c.ok}`).sort();
    // four flat families and SIGN ES refresh with their refresh token; the unified API has none and exchanges its key
    expect(grants).toEqual([...Array(4).fill('flat:refresh:true'), 'envelope:refresh:true', 'unified:key:true'].sort());
    // On 1.x the first answer is fetched whole (wholeResponse.ts) and the 401 is sent once more through n8n's
    // lifecycle: one extra 401 per family there.
    expect(fiskaly.unauthorisedApiCalls()).toBe((FAMILIES.length - 1) * (line.id === '1' ? 2 : 1));

    const after = await stored();
    const bearers = fiskaly.server.requests.map((r) => bearerOf(r));
    FAMILIES.forEach(([family], i) => {
      const old = before[fiskalyCredId(i)].data;
      const now = after[fiskalyCredId(i)].data;
      if (family === 'signDe') {
        expect(now.accessToken).toBe(old.accessToken); // ran before the 401s: nothing to refresh
        return;
      }
      expect({ family, changed: now.accessToken !== old.accessToken, usedAfter401: bearers.includes(now.accessToken) }).toEqual({
        family,
        changed: true,
        usedAfter401: true,
      });
      if (family !== 'unified') expect({ family, rotated: now.refreshToken !== old.refreshToken }).toEqual({ family, rotated: true });
    });
  });

  test('fiskaly: a stored token known to be expired is replaced before use (no 401)', async () => {
    const fk0 = (await stored())[fiskalyCredId(0)];
    await timed('import:credentials (expired)', () =>
      n8n.importCredentials([{ id: fk0.id, name: fk0.name, type: fk0.type, data: { ...fk0.data, accessTokenExpiresAt: '2020-01-01T00:00:00.000Z' } }]),
    );
    fiskaly.expireAccessTokens();
    clearSimulators();
    await execute(fiskalyWorkflow.id, 'fiskaly: run with an expired stored token');
    const deRequests = fiskaly.server.requests.filter((r) => r.path.startsWith('/api/v2')).map((r) => `${r.method} ${r.path}`);
    expect(deRequests).toEqual(['POST /api/v2/auth', 'GET /api/v2/tss']);
    const now = (await stored())[fiskalyCredId(0)].data;
    expect(Date.parse(now.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    expect(now.accessToken).not.toBe(fk0.data.accessToken);
  });

  test('fiskaly: a rejected key names the cause, with no secret in the output', async () => {
    clearSimulators();
    const r = await timed('fiskaly: rejected key run', () => n8n.executeRaw(fiskalyBadWorkflow.id));
    expect(r.ok).toBe(false);
    const output = r.cli.stdout + r.cli.stderr;
    expect(output).toMatch(/fiskaly rejected the API key or secret: invalid key or secret/);
    expect(output).not.toContain(BAD_SECRET);
    expect(output).not.toContain(fiskaly.apiKey);
    expect(output).not.toContain(fiskaly.apiSecret);
    expect(fiskaly.tokenCalls.map((c) => c.ok)).not.toContain(true);
    expect(fiskaly.tokenCalls.length).toBeGreaterThan(0);
  });

  test('checkfrontApi: ping and bookings with HTTP Basic', async () => {
    clearSimulators();
    const run = await execute(checkfrontTokenWorkflow.id, 'checkfront token pair run');
    expect(nodeOutput(run, 'Ping')[0]).toMatchObject({ pong: { provider: 'Token' } });
    const bookings = nodeOutput(run, 'Bookings');
    expect(bookings).toHaveLength(5);
    expect(bookings.map((b) => b.code)).toEqual(checkfront.bookings.slice(0, 5).map((b) => b.code));
    const api = checkfront.server.requests.filter((r) => r.path.startsWith('/api/3.0/'));
    expect(api.map((r) => r.path)).toEqual(['/api/3.0/ping', '/api/3.0/booking/index']);
    for (const r of api) expect(basicOf(r)).toEqual([checkfront.apiKey, checkfront.apiSecret]);
  });

  test('checkfrontOAuth2Api: a workflow runs with the connected tokens; an expired token is refreshed and the rotated pair persisted', async () => {
    expect(oauthCredentialId).toBeTruthy();
    await timed('import:workflow (oauth2)', () =>
      importWorkflows([checkfrontWorkflow(CF_OAUTH_WORKFLOW_ID, 'checkfrontOAuth2Api', { id: oauthCredentialId, name: 'checkfront oauth2' })]),
    );
    clearSimulators();
    const run = await execute(CF_OAUTH_WORKFLOW_ID, 'checkfront oauth2 run');
    expect(nodeOutput(run, 'Ping')[0]).toMatchObject({ pong: { provider: 'OAuth2' } });
    expect(nodeOutput(run, 'Bookings')).toHaveLength(5);
    const api = checkfront.server.requests.filter((r) => r.path.startsWith('/api/3.0/'));
    expect(api).toHaveLength(2);
    for (const r of api) expect(bearerOf(r)).toBe(connectedTokens.access_token);
    expect(checkfront.server.requestsTo('POST', /^\/oauth\/token\/?$/)).toHaveLength(0);

    checkfront.expireAccessTokens();
    clearSimulators();
    const refreshed = await execute(CF_OAUTH_WORKFLOW_ID, 'checkfront oauth2 run after expiry');
    expect(nodeOutput(refreshed, 'Bookings')).toHaveLength(5);
    const refreshes = checkfront.refreshRequests();
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].body).toMatchObject({ grant_type: 'refresh_token', refresh_token: connectedTokens.refresh_token });
    expect(basicOf(refreshes[0])).toEqual([checkfront.clientId, checkfront.clientSecret]);

    const tokenData = (await stored())[oauthCredentialId].data.oauthTokenData;
    expect(tokenData.refresh_token).toMatch(/^cf_rt/);
    expect(tokenData.refresh_token).not.toBe(connectedTokens.refresh_token);
    expect(tokenData.access_token).not.toBe(connectedTokens.access_token);
    expect(checkfront.refreshTokens.get(tokenData.refresh_token)?.live).toBe(true);
    // the last successful API calls used the new access token
    const lastApi = checkfront.server.requests.filter((r) => r.path.startsWith('/api/3.0/')).pop()!;
    expect(bearerOf(lastApi)).toBe(tokenData.access_token);

    // the old refresh token is dead at the simulator
    expect(checkfront.refreshTokens.get(connectedTokens.refresh_token)?.live).toBe(false);
    const reuse = await fetch(`${checkfrontUrl}/oauth/token/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${checkfront.clientId}:${checkfront.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: connectedTokens.refresh_token }).toString(),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
  });

  test('faults: a reset is retried; an HTML page, an exhausted 503 and a dead refresh token read our messages', async () => {
    await timed('import:credentials (dead oauth2)', () =>
      n8n.importCredentials([
        {
          id: CF_DEAD_CRED,
          name: 'checkfront oauth2 dead',
          type: 'checkfrontOAuth2Api',
          data: {
            host: checkfrontUrl,
            clientId: checkfront.clientId,
            clientSecret: checkfront.clientSecret,
            oauthTokenData: { access_token: 'cf_at_dead_e2e', refresh_token: DEAD_REFRESH_TOKEN, token_type: 'bearer', expires_in: 3600 },
          },
        },
      ]),
    );
    await timed('import:workflow (faults)', () => importWorkflows([faultsWorkflow]));
    clearSimulators();
    checkfront.server.clearFaults();
    const on = (p: string) => ({ match: (r: { path: string }) => r.path === p });
    checkfront.server.inject({ kind: 'reset' }, { times: 1, ...on('/api/3.0/ping') });
    checkfront.server.inject({ kind: 'html', status: 500 }, { times: 1, ...on('/api/3.0/booking/CFPP-100001') });
    checkfront.server.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '0' }, json: { error: { title: 'Maintenance' } } }, { times: 5, ...on('/api/3.0/booking/CFPP-100002') });
    const run = await execute(FAULTS_WORKFLOW_ID, 'faults run');
    const paths = checkfront.server.requests.map((r) => r.path);

    expect(nodeOutput(run, 'Reset once')[0]).toMatchObject({ pong: { provider: 'Token' } });
    expect(paths.filter((p) => p === '/api/3.0/ping').length).toBeGreaterThanOrEqual(2); // the reset one, then the retry
    const [html] = nodeOutput(run, 'HTML page');
    expect(html.error).toBe('Checkfront error 500: answered with an HTML page instead of JSON');
    const [busy] = nodeOutput(run, 'Exhausted 503');
    expect(paths.filter((p) => p === '/api/3.0/booking/CFPP-100002')).toHaveLength(5);
    expect(busy).toMatchObject({ error: 'Checkfront error 503: Maintenance', httpCode: '503' });
    expect(busy.description).toMatch(/throttling requests \(HTTP 503\).*Tried 5 times/);
    const [dead] = nodeOutput(run, 'Dead refresh token');
    expect(checkfront.refreshRequests().map((r) => (r.body as Record<string, string>).refresh_token)).toEqual([DEAD_REFRESH_TOKEN]);
    expect(dead.error).toBe('Checkfront: the OAuth2 connection has expired or was revoked; reconnect the credential');
    expect(JSON.stringify(run)).not.toContain(DEAD_REFRESH_TOKEN);
    faultMessages[label] = { html, busy, dead };
  });

  test("n8n's HTTP Request node uses each credential type of the package, token lifecycle included", async () => {
    await timed('import:workflow (HTTP Request)', () => importWorkflows([httpRequestWorkflow(fiskalyUrl, checkfrontUrl, oauthCredentialId)]));
    const before = await stored();
    // both token kinds are dead at the providers: n8n must renew them (fiskaly: preAuthentication after the
    // 401; Checkfront OAuth2: refresh after the 401) and resend
    fiskaly.expireAccessTokens();
    checkfront.expireAccessTokens();
    clearSimulators();
    const run = await execute(HTTP_REQUEST_WORKFLOW_ID, 'HTTP Request node run');

    expect(nodeOutput(run, 'HTTP fiskalyApi')[0].data.map((t: { _id: string }) => t._id)).toEqual([...fiskaly.tss.keys()]);
    const tss = fiskaly.server.requests.filter((r) => r.path === '/api/v2/tss');
    const after = await stored();
    const fk = after[fiskalyCredId(0)].data;
    expect(fiskaly.tokenCalls.filter((c) => c.ok)).toHaveLength(1);
    expect(fk.accessToken).not.toBe(before[fiskalyCredId(0)].data.accessToken);
    expect(bearerOf(tss[tss.length - 1])).toBe(fk.accessToken);

    expect(nodeOutput(run, 'HTTP checkfrontApi')[0]).toMatchObject({ pong: { provider: 'Token' } });
    expect(nodeOutput(run, 'HTTP checkfrontOAuth2Api')[0]).toMatchObject({ pong: { provider: 'OAuth2' } });
    const pings = checkfront.server.requests.filter((r) => r.path === '/api/3.0/ping');
    expect(pings.some((r) => JSON.stringify(basicOf(r)) === JSON.stringify([checkfront.apiKey, checkfront.apiSecret]))).toBe(true);
    const oauth = after[oauthCredentialId].data.oauthTokenData;
    expect(checkfront.refreshRequests()).toHaveLength(1);
    expect(bearerOf(pings[pings.length - 1])).toBe(oauth.access_token);
  });

  test('every credential type this file covers was used by an executed workflow; no process logged a package problem', () => {
    // Each provider's own e2e file makes the same check for its credential types (test/unit/package.test.ts: every
    // credential type of package.json is named by some e2e file).
    expect([...usedCredentialTypes].sort()).toEqual(COVERED_HERE);
    // the rejected-key run fails on purpose (its error names the package's node): every other process must be clean
    for (const { args, result } of n8n.cliLog.filter((c) => ![fiskalyBadWorkflow.id, FAULTS_WORKFLOW_ID].some((id) => c.args.includes(`--id=${id}`)))) {
      const log = result.stdout + result.stderr;
      expect({ args: args[0], problems: packageProblems(log, PKG), outbound: outboundAttempts(log) }).toEqual({ args: args[0], problems: [], outbound: [] });
    }
  });
});

// The faults read the same on both lines (issue 9 item 6): same error items, word for word.
(selectedLines().length > 1 ? test : test.skip)('faults: the error items are the same on both lines', () => {
  const [one, two] = Object.values(faultMessages);
  expect(one).toBeDefined();
  expect(two).toEqual(one);
});
