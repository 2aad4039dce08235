// The real package in n8n queue mode (n8n 2.41.1): Redis and PostgreSQL from Debian's packages on
// loopback ports, one main and two workers (concurrency 5), the packed package installed in every
// process's user folder, one encryption key. Executions arrive as webhook calls at the main, which
// only enqueues: the workers run them. What is measured, per credential, over 40 executions of one
// credential spread over both workers, against the simulators' strictest modes:
//   - fiskalyApi, fiskaly in "a new token invalidates every older one" mode: a cold start (no token
//     stored) and a token lifetime that ends in the middle of the 40 runs;
//   - the same two with n8n's textbook preAuthentication (a second package, lib/baselinePackage), as
//     the baseline, in the same run;
//   - checkfrontOAuth2Api, refresh tokens that rotate (a refresh kills the previous pair): the access
//     token dies in the middle of the 40 runs; n8n refreshes (from 2.30 with a Redis lease).
// Targets: 0 failed executions, token mints <= 1 per worker per token lifetime, the stored token the
// newest one. Also: every credential type of the package executed on a worker.
// Skipped unless line 2 is selected (E2E_LINES); E2E_QUEUE=0 skips it.
import * as fs from 'fs';
import * as path from 'path';
import { bearerOf, RecordedRequest } from '../simulators/framework';
import { CheckfrontSimulator } from '../simulators/checkfront';
import { FattureInCloudSimulator } from '../simulators/fattureincloud';
import { FiskalySimulator } from '../simulators/fiskaly';
import { HubRiseSimulator } from '../simulators/hubrise';
import { InbentaSimulator } from '../simulators/inbenta';
import {
  BASELINE_CREDENTIAL,
  BASELINE_FIC_CREDENTIAL,
  BASELINE_FIC_NODE,
  BASELINE_NODE,
  BASELINE_PACKAGE,
  buildBaselinePackage,
} from './lib/baselinePackage';
import { ensureInstalled, getLines, N8nLine, selectedLines } from './lib/lines';
import { N8nRest } from './lib/n8nRest';
import { pollUntil, stopAll } from './lib/proc';
import { QueueCluster, startQueueCluster } from './lib/queueCluster';
import { ensureQueueServices, psql } from './lib/queueServices';
import { packRealPackage, readPackageJson } from './lib/realPackage';
import { socketOwner } from './lib/socketOwner';
import { readStoredCredential } from './lib/storedCredentials';

const PKG = readPackageJson().name;
const RUNS = 40;
const WORKERS = 2;
const CONCURRENCY = 5;
const enabled = process.env.E2E_QUEUE !== '0' && selectedLines().some((l) => l.id === '2');
const describeQueue = enabled ? describe : describe.skip;

// --- workflows: a webhook (served by the main) and one provider node (run by a worker) -------------------

interface Workflow {
  id: string;
  name: string;
  active: boolean;
  settings: object;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  nodes: any[];
  connections: Record<string, unknown>;
}

function webhookWorkflow(id: string, hookPath: string, node: { type: string; parameters: object; credentials: object }): Workflow {
  return {
    id,
    name: `queue ${hookPath}`,
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      {
        id: `${id}-hook`,
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: `${id}-hook`,
        parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', options: {} },
      },
      { id: `${id}-call`, name: 'Call', typeVersion: 1, position: [200, 0], ...node },
    ],
    connections: { Webhook: { main: [[{ node: 'Call', type: 'main', index: 0 }]] } },
  };
}

/** Credential ids n8n gave the credentials created over REST. */
const ids = {
  fiskaly: '',
  baseline: '',
  checkfrontApi: '',
  checkfrontOAuth2: '',
  inbenta: '',
  hubriseApi: '',
  hubriseOAuth2: '',
  ficRefresh: '',
  ficManual: '',
  ficOAuth2: '',
  ficDevice: '',
  ficBaseline: '',
};

const HOOKS = {
  fiskaly: 'q-fiskaly',
  baseline: 'q-baseline',
  checkfrontApi: 'q-checkfront-token',
  checkfrontOAuth2: 'q-checkfront-oauth',
  inbenta: 'q-inbenta',
  hubriseApi: 'q-hubrise-app',
  hubriseOAuth2: 'q-hubrise-oauth',
  ficRefresh: 'q-fic-refresh',
  ficManual: 'q-fic-manual',
  ficOAuth2: 'q-fic-oauth',
  ficDevice: 'q-fic-device',
  ficBaseline: 'q-fic-baseline',
};
/** Executions per credential for the ones only shown to run on the workers (the 40-run bursts measure tokens). */
const SMALL_BURST = 10;
const FIC_SCOPES = ['entity.clients:a', 'issued_documents.invoices:r'];
const HUBRISE_SCOPE = 'location[orders.write,customer_list.write,catalog.write,inventory.write]';

function workflows(): Record<keyof typeof HOOKS, Workflow> {
  return {
    fiskaly: webhookWorkflow('qFiskalyFlow0001', HOOKS.fiskaly, {
      type: `${PKG}.fiskaly`,
      parameters: { resource: 'customApiCall', operation: 'call', method: 'GET', path: '/tss' },
      credentials: { fiskalyApi: { id: ids.fiskaly, name: 'queue fiskaly' } },
    }),
    baseline: webhookWorkflow('qBaselineFlow001', HOOKS.baseline, {
      type: `${BASELINE_PACKAGE}.${BASELINE_NODE}`,
      parameters: {},
      credentials: { [BASELINE_CREDENTIAL]: { id: ids.baseline, name: 'queue baseline' } },
    }),
    checkfrontApi: webhookWorkflow('qCfTokenFlow0001', HOOKS.checkfrontApi, {
      type: `${PKG}.checkfront`,
      parameters: { authentication: 'checkfrontApi', resource: 'account', operation: 'ping' },
      credentials: { checkfrontApi: { id: ids.checkfrontApi, name: 'queue checkfront token' } },
    }),
    checkfrontOAuth2: webhookWorkflow('qCfOAuthFlow0001', HOOKS.checkfrontOAuth2, {
      type: `${PKG}.checkfront`,
      parameters: { authentication: 'checkfrontOAuth2Api', resource: 'booking', operation: 'getAll', returnAll: false, limit: 5 },
      credentials: { checkfrontOAuth2Api: { id: ids.checkfrontOAuth2, name: 'queue checkfront oauth2' } },
    }),
    inbenta: webhookWorkflow('qInbentaFlow0001', HOOKS.inbenta, {
      type: `${PKG}.inbenta`,
      parameters: { resource: 'knowledge', operation: 'search', query: 'password', limit: 1 },
      credentials: { inbentaApi: { id: ids.inbenta, name: 'queue inbenta' } },
    }),
    hubriseApi: webhookWorkflow('qHubRiseApp00001', HOOKS.hubriseApi, {
      type: `${PKG}.hubRise`,
      parameters: { authentication: 'hubriseApi', resource: 'location', operation: 'get' },
      credentials: { hubriseApi: { id: ids.hubriseApi, name: 'queue hubrise app' } },
    }),
    hubriseOAuth2: webhookWorkflow('qHubRiseOAuth001', HOOKS.hubriseOAuth2, {
      type: `${PKG}.hubRise`,
      parameters: { authentication: 'hubriseOAuth2Api', resource: 'location', operation: 'get' },
      credentials: { hubriseOAuth2Api: { id: ids.hubriseOAuth2, name: 'queue hubrise oauth2' } },
    }),
    ficRefresh: webhookWorkflow('qFicRefresh00001', HOOKS.ficRefresh, {
      type: `${PKG}.fattureInCloud`,
      parameters: { authentication: 'fattureInCloudRefreshTokenApi', resource: 'user', operation: 'getInfo' },
      credentials: { fattureInCloudRefreshTokenApi: { id: ids.ficRefresh, name: 'queue fic refresh token' } },
    }),
    ficManual: webhookWorkflow('qFicManual000001', HOOKS.ficManual, {
      type: `${PKG}.fattureInCloud`,
      parameters: { authentication: 'fattureInCloudApi', resource: 'user', operation: 'getInfo' },
      credentials: { fattureInCloudApi: { id: ids.ficManual, name: 'queue fic manual' } },
    }),
    ficOAuth2: webhookWorkflow('qFicOAuth2000001', HOOKS.ficOAuth2, {
      type: `${PKG}.fattureInCloud`,
      parameters: { authentication: 'fattureInCloudOAuth2Api', resource: 'user', operation: 'getInfo' },
      credentials: { fattureInCloudOAuth2Api: { id: ids.ficOAuth2, name: 'queue fic oauth2' } },
    }),
    ficDevice: webhookWorkflow('qFicDevice000001', HOOKS.ficDevice, {
      type: `${PKG}.fattureInCloud`,
      parameters: { authentication: 'fattureInCloudDeviceCodeApi', resource: 'user', operation: 'getInfo' },
      credentials: { fattureInCloudDeviceCodeApi: { id: ids.ficDevice, name: 'queue fic device' } },
    }),
    ficBaseline: webhookWorkflow('qFicBaseline0001', HOOKS.ficBaseline, {
      type: `${BASELINE_PACKAGE}.${BASELINE_FIC_NODE}`,
      parameters: {},
      credentials: { [BASELINE_FIC_CREDENTIAL]: { id: ids.ficBaseline, name: 'queue fic baseline' } },
    }),
  };
}

// --- measurement ---------------------------------------------------------------------------------------

interface Measured {
  scenario: string;
  runs: number;
  httpFailures: number;
  /** Executions in the database for this burst that did not end in success. */
  failedExecutions: number;
  executionsPerWorker: Record<string, number>;
  /** Token requests answered with a token (key/secret, refresh token, OAuth2 refresh), per process. */
  mintsPerWorker: Record<string, number>;
  tokenRequests: number;
  /** API requests the provider refused with 401 because of the token. */
  unauthorised: number;
  storedTokenIsNewest: boolean;
  ms: number;
  errors: string[];
}

const report: Measured[] = [];
const timings: Record<string, number> = {};

describeQueue('queue mode: n8n 2.41 main + 2 workers, Redis, PostgreSQL', () => {
  let cluster: QueueCluster;
  let line2: N8nLine;
  let rest: N8nRest;
  let tarballs: string[] = [];
  const fiskaly = new FiskalySimulator({ tssCount: 2 });
  const checkfront = new CheckfrontSimulator();
  const inbenta = new InbentaSimulator();
  const hubrise = new HubRiseSimulator();
  const fic = new FattureInCloudSimulator();
  let fiskalyUrl: string;
  let checkfrontUrl: string;
  let ficUrl: string;
  /** Which process made each token request (label), recorded while its connection is open. */
  const tokenCallers = new WeakMap<RecordedRequest, string>();
  /** Credential types used by an execution that a worker ran and that succeeded. */
  const typesRunOnWorkers = new Set<string>();

  async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      timings[what] = Date.now() - t0;
    }
  }

  beforeAll(async () => {
    const t0 = Date.now();
    await timed('ensure redis + postgres installed', async () => ensureQueueServices());
    const line = await timed('ensure n8n 2.41.1 installed', async () => ensureInstalled(getLines('2')[0]));
    tarballs = await timed('pack packages', async () => [await packRealPackage(), await buildBaselinePackage()]);
    fiskaly.invalidateOlderTokens = true;
    fiskalyUrl = await fiskaly.start();
    checkfrontUrl = await checkfront.start();
    const attribute = (serverUrl: string, isTokenCall: (r: RecordedRequest) => boolean) => (request: RecordedRequest) => {
      if (!isTokenCall(request) || !cluster) return;
      const label = socketOwner(request.remotePort, Number(new URL(serverUrl).port), cluster.pids) ?? 'other';
      tokenCallers.set(request, label);
    };
    fiskaly.server.onRequest = attribute(fiskalyUrl, (r) => r.method === 'POST' && r.path === '/api/v2/auth');
    checkfront.server.onRequest = attribute(checkfrontUrl, (r) => r.method === 'POST' && /^\/oauth\/token\/?$/.test(r.path));
    await inbenta.start();
    inbenta.invalidateOlderTokens = true; // strictest: every token issued revokes the older ones
    await hubrise.start();
    ficUrl = await fic.start();
    const ficToken = attribute(ficUrl, (r) => r.method === 'POST' && r.path === '/oauth/token');
    fic.server.onRequest = (request) => {
      ficToken(request);
      ficApiSeen(request);
    };

    cluster = await startQueueCluster({ line, tarballs, workers: WORKERS, concurrency: CONCURRENCY });
    Object.assign(timings, cluster.timings);
    rest = new N8nRest(cluster.server.baseUrl);
    await rest.setupOwner();
    // Everything through the main's REST API, as the editor does it (a CLI call costs a whole n8n boot).
    await timed('credentials + workflows over REST', async () => {
      const created = async (name: string, type: string, data: Record<string, unknown>) => (await rest.createCredential(name, type, data)).id as string;
      ids.fiskaly = await created('queue fiskaly', 'fiskalyApi', {
        family: 'signDe',
        environment: 'test',
        apiKey: fiskaly.apiKey,
        apiSecret: fiskaly.apiSecret,
        baseUrlOverride: fiskalyUrl,
      });
      ids.baseline = await created('queue baseline', BASELINE_CREDENTIAL, { baseUrl: fiskalyUrl, apiKey: fiskaly.apiKey, apiSecret: fiskaly.apiSecret });
      ids.checkfrontApi = await created('queue checkfront token', 'checkfrontApi', { host: checkfrontUrl, apiKey: checkfront.apiKey, apiSecret: checkfront.apiSecret });
      ids.checkfrontOAuth2 = await created('queue checkfront oauth2', 'checkfrontOAuth2Api', {
        host: checkfrontUrl,
        clientId: checkfront.clientId,
        clientSecret: checkfront.clientSecret,
      });
      ids.inbenta = await created('queue inbenta', 'inbentaApi', { flow: 'apiSecret', apiKey: inbenta.apiKey, apiSecret: inbenta.apiSecret, baseUrlOverride: inbenta.auth.url });
      ids.hubriseApi = await created('queue hubrise app', 'hubriseApi', {
        clientId: hubrise.clientId,
        clientSecret: hubrise.clientSecret,
        customScope: HUBRISE_SCOPE,
        authorizationCodeSecret: hubrise.issueCode(HUBRISE_SCOPE),
        baseUrlOverride: hubrise.server.url,
      });
      ids.hubriseOAuth2 = await created('queue hubrise oauth2', 'hubriseOAuth2Api', {
        clientId: hubrise.clientId,
        clientSecret: hubrise.clientSecret,
        accessLevel: 'location',
        permissions: ['orders.read', 'catalog.read'],
        profile: 'profile',
        baseUrlOverride: hubrise.server.url,
      });
      ids.ficRefresh = await created('queue fic refresh token', 'fattureInCloudRefreshTokenApi', {
        baseUrlOverride: ficUrl,
        clientId: fic.clientId,
        clientSecret: fic.clientSecret,
        refreshToken: fic.issuePair(FIC_SCOPES).refresh_token,
        scopes: FIC_SCOPES,
      });
      ids.ficManual = await created('queue fic manual', 'fattureInCloudApi', { accessToken: fic.issueManualToken(FIC_SCOPES), baseUrlOverride: ficUrl });
      ids.ficOAuth2 = await created('queue fic oauth2', 'fattureInCloudOAuth2Api', { clientId: fic.clientId, clientSecret: fic.clientSecret, scopes: FIC_SCOPES, baseUrlOverride: ficUrl });
      // A device login a person approved earlier: the credential holds the pair the device flow stored.
      const devicePair = fic.issuePair(FIC_SCOPES, true);
      ids.ficDevice = await created('queue fic device', 'fattureInCloudDeviceCodeApi', {
        clientId: fic.deviceClientId,
        scopes: FIC_SCOPES,
        baseUrlOverride: ficUrl,
        accessToken: devicePair.access_token,
        accessTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        refreshToken: devicePair.refresh_token,
      });
      ids.ficBaseline = await created('queue fic baseline', BASELINE_FIC_CREDENTIAL, {
        baseUrl: ficUrl,
        clientId: fic.clientId,
        clientSecret: fic.clientSecret,
        refreshToken: fic.issuePair(FIC_SCOPES).refresh_token,
      });
      for (const workflow of Object.values(workflows())) {
        const saved = await rest.createWorkflow(workflow);
        await rest.activateWorkflow(saved.id, saved.versionId);
      }
    });
    line2 = line;
    timings['setup total'] = Date.now() - t0;
  }, 45 * 60 * 1000);

  afterAll(async () => {
    await cluster?.stop();
    await stopAll();
    await fiskaly.stop();
    await checkfront.stop();
    await inbenta.stop();
    await hubrise.stop();
    await fic.stop();
    for (const t of tarballs) fs.rmSync(path.dirname(t), { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`queue-mode e2e (n8n 2.41.1, main + ${WORKERS} workers x concurrency ${CONCURRENCY}, ${RUNS} executions per burst):\n` +
      report.map((m) => `  ${JSON.stringify(m)}`).join('\n') + `\ntimings (ms): ${JSON.stringify(timings)}`);
  });

  /** Worker log offsets, to attribute executions started after a point. */
  function logMarks(): number[] {
    return cluster.workers.map((w) => w.log().length);
  }

  function executionsSince(marks: number[]): { perWorker: Record<string, number>; ids: string[] } {
    const perWorker: Record<string, number> = {};
    const ids: string[] = [];
    cluster.workers.forEach((w, i) => {
      const started = [...w.log().slice(marks[i]).matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
      perWorker[`worker${i + 1}`] = started.length;
      ids.push(...started);
    });
    return { perWorker, ids };
  }

  /** Fatture in Cloud: the access token's lifetime ends after this many API requests of a burst (undefined: not armed). */
  let ficExpireAfter: number | undefined;
  function ficApiSeen(request: RecordedRequest): void {
    if (ficExpireAfter === undefined || request.path !== '/user/info') return;
    ficExpireAfter -= 1;
    if (ficExpireAfter <= 0) {
      ficExpireAfter = undefined;
      fic.expireAccessTokens();
    }
  }

  /** Posts `runs` webhook calls at once; each answers when its execution finished on a worker. */
  async function burst(hookPath: string, during?: (done: number) => void, runs = RUNS): Promise<{ failures: string[] }> {
    let done = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: runs }, async (_, i) => {
        try {
          const res = await fetch(`${cluster.server.baseUrl}/webhook/${hookPath}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ run: i }),
            signal: AbortSignal.timeout(180_000),
          });
          const text = await res.text();
          if (res.status !== 200) failures.push(`${res.status} ${text.slice(0, 300)}`);
        } catch (error) {
          failures.push(String(error));
        } finally {
          done += 1;
          during?.(done);
        }
      }),
    );
    return { failures };
  }

  async function failedExecutionsOf(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const rows = await psql(cluster.postgres, `select count(*) from execution_entity where id in (${ids.map(Number).join(',')}) and status <> 'success'`);
    return Number(rows.trim());
  }

  function mintsBy(requests: RecordedRequest[], minted: (r: RecordedRequest) => boolean): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(Object.keys(cluster.pids).map((k) => [k, 0]));
    for (const r of requests) if (minted(r)) out[tokenCallers.get(r) ?? 'other'] = (out[tokenCallers.get(r) ?? 'other'] ?? 0) + 1;
    return out;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function storedData(id: string): Promise<any> {
    return await readStoredCredential(line2, cluster.postgres, id);
  }

  /** Whether fiskaly accepts a token now (in strict mode only the newest one is accepted). */
  async function fiskalyAccepts(token: string): Promise<boolean> {
    const res = await fetch(`${fiskalyUrl}/api/v2/tss`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    return res.status === 200;
  }

  async function fiskalyScenario(scenario: string, credentialId: string, hookPath: string, setup: () => void): Promise<Measured> {
    fiskaly.server.clearLog();
    fiskaly.tokenCalls.length = 0;
    setup();
    const marks = logMarks();
    const t0 = Date.now();
    const { failures } = await burst(hookPath);
    const ms = Date.now() - t0;
    const { perWorker, ids: executionIds } = executionsSince(marks);
    const tokenRequests = fiskaly.server.requestsTo('POST', '/api/v2/auth');
    // A mint is a token request fiskaly answered with a token (key/secret or refresh token).
    const answered = new Set(tokenRequests.filter((_, i) => fiskaly.tokenCalls[i]?.ok));
    const stored = await storedData(credentialId);
    const measured: Measured = {
      scenario,
      runs: RUNS,
      httpFailures: failures.length,
      failedExecutions: await failedExecutionsOf(executionIds),
      executionsPerWorker: perWorker,
      mintsPerWorker: mintsBy(tokenRequests, (r) => answered.has(r)),
      tokenRequests: tokenRequests.length,
      unauthorised: fiskaly.unauthorisedApiCalls(),
      storedTokenIsNewest: typeof stored?.accessToken === 'string' && stored.accessToken !== '' && (await fiskalyAccepts(stored.accessToken)),
      ms,
      errors: [...new Set(failures)].slice(0, 3),
    };
    report.push(measured);
    return measured;
  }

  test('every process loaded the package; both workers are ready', async () => {
    for (const [i, w] of cluster.workers.entries()) {
      expect({ worker: i + 1, ready: w.log().includes('n8n worker is now ready') }).toEqual({ worker: i + 1, ready: true });
      expect(w.log()).not.toMatch(new RegExp(`(Unrecognized node type|Error loading package|Failed to load package)[^\\n]*${PKG}`));
    }
    expect(cluster.server.startupLog).not.toMatch(/Scaling mode is not officially supported/);
  });

  test('fiskalyApi cold start: 40 executions over both workers, strict fiskaly', async () => {
    const m = await fiskalyScenario('fiskalyApi: cold start (no token stored)', ids.fiskaly, HOOKS.fiskaly, () => undefined);
    expect(m.executionsPerWorker.worker1 + m.executionsPerWorker.worker2).toBe(RUNS);
    expect(m.executionsPerWorker.worker1).toBeGreaterThan(0);
    expect(m.executionsPerWorker.worker2).toBeGreaterThan(0);
    expect({ failed: m.failedExecutions, http: m.httpFailures, errors: m.errors }).toEqual({ failed: 0, http: 0, errors: [] });
    for (const [worker, mints] of Object.entries(m.mintsPerWorker)) expect({ worker, mints: mints <= 1 }).toEqual({ worker, mints: true });
    expect(m.storedTokenIsNewest).toBe(true);
    typesRunOnWorkers.add('fiskalyApi');
  });

  test('fiskalyApi: the token lifetime ends in the middle of 40 executions', async () => {
    const m = await fiskalyScenario('fiskalyApi: token dies mid-burst', ids.fiskaly, HOOKS.fiskaly, () => fiskaly.expireAccessTokensOnRequest(RUNS / 2));
    expect(m.unauthorised).toBeGreaterThan(0); // the lifetime really ended mid-burst
    expect({ failed: m.failedExecutions, http: m.httpFailures, errors: m.errors }).toEqual({ failed: 0, http: 0, errors: [] });
    for (const [worker, mints] of Object.entries(m.mintsPerWorker)) expect({ worker, mints: mints <= 1 }).toEqual({ worker, mints: true });
    expect(m.storedTokenIsNewest).toBe(true);
  });

  test('baseline: n8n textbook preAuthentication, same two bursts, same run (measured, not a target)', async () => {
    const cold = await fiskalyScenario('baseline textbook preAuthentication: cold start', ids.baseline, HOOKS.baseline, () => undefined);
    const mid = await fiskalyScenario('baseline textbook preAuthentication: token dies mid-burst', ids.baseline, HOOKS.baseline, () =>
      fiskaly.expireAccessTokensOnRequest(RUNS / 2),
    );
    // The comparison is the point: printed with the rest. Sanity only: the baseline did run on the workers.
    expect(cold.executionsPerWorker.worker1 + cold.executionsPerWorker.worker2).toBe(RUNS);
    expect(mid.executionsPerWorker.worker1 + mid.executionsPerWorker.worker2).toBe(RUNS);
  });

  test('checkfrontApi runs on the workers', async () => {
    checkfront.server.clearLog();
    const marks = logMarks();
    const { failures } = await burst(HOOKS.checkfrontApi);
    const { perWorker, ids: executionIds } = executionsSince(marks);
    expect({ failures, failed: await failedExecutionsOf(executionIds) }).toEqual({ failures: [], failed: 0 });
    expect(perWorker.worker1 + perWorker.worker2).toBe(RUNS);
    typesRunOnWorkers.add('checkfrontApi');
  });

  test('checkfrontOAuth2Api: connected on the main, the access token dies mid-burst, rotating refresh tokens', async () => {
    await timed('checkfront OAuth2 connect', () => rest.connectOAuth2(ids.checkfrontOAuth2));
    const connected = (await storedData(ids.checkfrontOAuth2))?.oauthTokenData;
    expect(connected?.refresh_token).toMatch(/^cf_rt/);
    checkfront.server.clearLog();
    checkfront.expireAccessTokensOnRequest(RUNS / 2);
    const marks = logMarks();
    const t0 = Date.now();
    const { failures } = await burst(HOOKS.checkfrontOAuth2);
    const ms = Date.now() - t0;
    const { perWorker, ids: executionIds } = executionsSince(marks);
    const refreshes = checkfront.refreshRequests();
    const okRefresh = (r: RecordedRequest) => {
      const rt = (r.body as Record<string, string>).refresh_token;
      // a refresh succeeded when the presented refresh token was live: it is now rotated away and a newer one exists
      return !checkfront.refreshTokens.get(rt)?.live && refreshes.indexOf(r) === refreshes.findIndex((x) => (x.body as Record<string, string>).refresh_token === rt);
    };
    const stored = (await storedData(ids.checkfrontOAuth2))?.oauthTokenData;
    const unauthorised = checkfront.server.requests.filter((r) => !/^\/oauth/.test(r.path) && bearerOf(r) !== undefined && !checkfront.accessTokens.has(bearerOf(r) ?? '')).length;
    const m: Measured = {
      scenario: 'checkfrontOAuth2Api: access token dies mid-burst (n8n OAuth2 refresh)',
      runs: RUNS,
      httpFailures: failures.length,
      failedExecutions: await failedExecutionsOf(executionIds),
      executionsPerWorker: perWorker,
      mintsPerWorker: mintsBy(refreshes, okRefresh),
      tokenRequests: refreshes.length,
      unauthorised,
      storedTokenIsNewest: Boolean(stored && checkfront.refreshTokens.get(stored.refresh_token)?.live && checkfront.accessTokens.has(stored.access_token)),
      ms,
      errors: [...new Set(failures)].slice(0, 3),
    };
    report.push(m);
    expect({ failed: m.failedExecutions, http: m.httpFailures, errors: m.errors }).toEqual({ failed: 0, http: 0, errors: [] });
    expect(m.storedTokenIsNewest).toBe(true);
    for (const [worker, mints] of Object.entries(m.mintsPerWorker)) expect({ worker, mints: mints <= 1 }).toEqual({ worker, mints: true });
    typesRunOnWorkers.add('checkfrontOAuth2Api');
  });

  /** A small burst of one credential's workflow: every execution ran on a worker and succeeded. */
  async function runsOnWorkers(type: string, hook: string): Promise<void> {
    const marks = logMarks();
    const { failures } = await burst(hook, undefined, SMALL_BURST);
    const { perWorker, ids: executionIds } = executionsSince(marks);
    expect({ type, failures: [...new Set(failures)].slice(0, 3), failed: await failedExecutionsOf(executionIds) }).toEqual({ type, failures: [], failed: 0 });
    expect({ type, executions: perWorker.worker1 + perWorker.worker2 }).toEqual({ type, executions: SMALL_BURST });
    typesRunOnWorkers.add(type);
  }

  test('inbentaApi, hubriseApi, hubriseOAuth2Api and fattureInCloudApi run on the workers', async () => {
    await runsOnWorkers('inbentaApi', HOOKS.inbenta);
    await runsOnWorkers('hubriseApi', HOOKS.hubriseApi);
    await timed('hubrise OAuth2 connect', () => rest.connectOAuth2(ids.hubriseOAuth2));
    await runsOnWorkers('hubriseOAuth2Api', HOOKS.hubriseOAuth2);
    await runsOnWorkers('fattureInCloudApi', HOOKS.ficManual);
  });

  test('fattureInCloudOAuth2Api (connected on the main) and fattureInCloudDeviceCodeApi (token expired) run on the workers', async () => {
    await timed('fic OAuth2 connect', () => rest.connectOAuth2(ids.ficOAuth2));
    await runsOnWorkers('fattureInCloudOAuth2Api', HOOKS.ficOAuth2);
    // the device credential's access token dies: its refresh chain renews it on a worker, once
    fic.server.clearLog();
    fic.expireAccessTokens();
    await runsOnWorkers('fattureInCloudDeviceCodeApi', HOOKS.ficDevice);
    expect(fic.refreshRequests().length).toBeGreaterThanOrEqual(1);
  });

  test("a trigger's webhook is served by the main while a worker runs the execution (HubRise signed callback)", async () => {
    const saved = await rest.createWorkflow({
      name: 'queue hubrise trigger',
      active: false,
      settings: {},
      connections: {},
      nodes: [
        {
          id: 'qt1',
          name: 'HubRise Trigger',
          type: `${PKG}.hubRiseTrigger`,
          typeVersion: 1,
          position: [0, 0],
          webhookId: 'q-hubrise-trigger',
          parameters: { authentication: 'hubriseOAuth2Api', events: ['order.create'] },
          credentials: { hubriseOAuth2Api: { id: ids.hubriseOAuth2, name: 'queue hubrise oauth2' } },
        },
      ],
    });
    await rest.activateWorkflow(saved.id, saved.versionId);
    const target = await pollUntil(
      'the trigger to register its callback with HubRise',
      async () => [...hubrise.connections.values()].find((c) => c.callback?.url?.endsWith('/webhook/q-hubrise-trigger/webhook')),
      60_000,
    );
    const marks = logMarks();
    await hubrise.emit(target.token, { resource_type: 'order', event_type: 'create', order_id: 'ordQ0001', location_id: '3r4s3-1' });
    await hubrise.emit(target.token, { resource_type: 'order', event_type: 'create', order_id: 'ordQ0002', location_id: '3r4s3-1' }, { forge: true });
    expect(hubrise.callbackDeliveries.slice(-2).map((d) => d.status)).toEqual([200, 401]);
    const ran = await pollUntil(
      'the execution of the signed callback on a worker',
      async () => {
        const { perWorker, ids: executionIds } = executionsSince(marks);
        return perWorker.worker1 + perWorker.worker2 >= 1 ? { perWorker, executionIds } : undefined;
      },
      60_000,
    );
    expect(ran.perWorker.worker1 + ran.perWorker.worker2).toBe(1);
    expect(await failedExecutionsOf(ran.executionIds)).toBe(0);
  });

  /** A 40-execution burst of a rotating-refresh-token credential, measured like the fiskaly ones. */
  async function ficScenario(scenario: string, credentialId: string, hookPath: string, expireAfter?: number): Promise<Measured> {
    fic.server.clearLog();
    ficExpireAfter = expireAfter;
    const marks = logMarks();
    const t0 = Date.now();
    const { failures } = await burst(hookPath);
    const ms = Date.now() - t0;
    ficExpireAfter = undefined;
    const { perWorker, ids: executionIds } = executionsSince(marks);
    const refreshes = fic.refreshRequests();
    const presented = (r: RecordedRequest) => {
      const body = typeof r.body === 'string' ? Object.fromEntries(new URLSearchParams(r.body)) : (r.body as Record<string, string>);
      return String(body?.refresh_token ?? '');
    };
    // A refresh succeeded when it was the first to present a refresh token that is now used up.
    const okRefresh = (r: RecordedRequest) =>
      fic.refreshTokens.get(presented(r))?.live === false && refreshes.findIndex((x) => presented(x) === presented(r)) === refreshes.indexOf(r);
    const stored = await storedData(credentialId);
    const accessOk = (token: unknown) => {
      const known = fic.accessTokens.get(String(token ?? ''));
      return Boolean(known && !known.revoked && known.expiresAt > Date.now());
    };
    const storedRefresh = String(stored?.rotatedRefreshToken || stored?.refreshToken || '');
    const unauthorised = fic.server.requests.filter((r) => r.path === '/user/info' && !accessOk(bearerOf(r))).length;
    const measured: Measured = {
      scenario,
      runs: RUNS,
      httpFailures: failures.length,
      failedExecutions: await failedExecutionsOf(executionIds),
      executionsPerWorker: perWorker,
      mintsPerWorker: mintsBy(refreshes, okRefresh),
      tokenRequests: refreshes.length,
      unauthorised,
      storedTokenIsNewest: Boolean(fic.refreshTokens.get(storedRefresh)?.live) && accessOk(stored?.accessToken),
      ms,
      errors: [...new Set(failures)].slice(0, 3),
    };
    report.push(measured);
    return measured;
  }

  test('fattureInCloudRefreshTokenApi: rotating refresh tokens, cold start and a token lifetime ending mid-burst; textbook baseline', async () => {
    const cold = await ficScenario('fattureInCloudRefreshTokenApi: cold start (no access token stored)', ids.ficRefresh, HOOKS.ficRefresh);
    const mid = await ficScenario('fattureInCloudRefreshTokenApi: access token dies mid-burst', ids.ficRefresh, HOOKS.ficRefresh, RUNS / 2);
    const baseCold = await ficScenario('baseline textbook refresh-token preAuthentication: cold start', ids.ficBaseline, HOOKS.ficBaseline);
    const baseMid = await ficScenario('baseline textbook refresh-token preAuthentication: access token dies mid-burst', ids.ficBaseline, HOOKS.ficBaseline, RUNS / 2);
    for (const m of [cold, mid, baseCold, baseMid]) expect(m.executionsPerWorker.worker1 + m.executionsPerWorker.worker2).toBe(RUNS);
    expect(mid.unauthorised).toBeGreaterThan(0); // the lifetime really ended mid-burst
    for (const m of [cold, mid]) {
      expect({ scenario: m.scenario, failed: m.failedExecutions, http: m.httpFailures, errors: m.errors }).toEqual({ scenario: m.scenario, failed: 0, http: 0, errors: [] });
      for (const [worker, mints] of Object.entries(m.mintsPerWorker)) expect({ scenario: m.scenario, worker, mints: mints <= 1 }).toEqual({ scenario: m.scenario, worker, mints: true });
      expect({ scenario: m.scenario, newest: m.storedTokenIsNewest }).toEqual({ scenario: m.scenario, newest: true });
    }
    typesRunOnWorkers.add('fattureInCloudRefreshTokenApi');
  });

  test('every credential type covered here was executed on a worker', () => {
    expect([...typesRunOnWorkers].sort()).toEqual([
      'checkfrontApi',
      'checkfrontOAuth2Api',
      'fattureInCloudApi',
      'fattureInCloudDeviceCodeApi',
      'fattureInCloudOAuth2Api',
      'fattureInCloudRefreshTokenApi',
      'fiskalyApi',
      'hubriseApi',
      'hubriseOAuth2Api',
      'inbentaApi',
    ]);
  });
});

if (!enabled) {
  test.skip('queue mode needs line 2 (E2E_LINES) and E2E_QUEUE not 0', () => undefined);
}
