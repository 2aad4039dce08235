// Keep Connection Alive in real n8n (E2E_LINES=1 or 2), the packed package against the Checkfront simulator
// and its own clock, all through the CLI (one `n8n execute` per run):
//   1. a monthly job + the weekly keep-alive: still works on day 60; without the keep-alive it dies on day 15
//   2. a keep-alive racing a 401 refresh in another execution (two n8n processes, refreshes held by the
//      simulator until both arrived): neither fails, the stored pair is the live one
//   3. no token in the serialized execution data: the run printed and n8n's whole database folder
//   4. the published template (templates/checkfront-keep-alive.json) imports
//   5. Fatture in Cloud (refresh-token credential): a quarterly keep-alive carries a yearly job through two
//      simulated years; without it the credential dies after a year of disuse
// Needs `npm run build` first (the test refuses a stale dist/).
import * as fs from 'fs';
import * as path from 'path';

import { checkfrontKeepAliveTemplate, fattureInCloudKeepAliveTemplate } from '../../scripts/demo/keepAlive';
import { CheckfrontSimulator } from '../simulators/checkfront';
import { FattureInCloudSimulator } from '../simulators/fattureincloud';
import { ensureInstalled, selectedLines } from './lib/lines';
import { N8nInstance, nodeOutput, packageProblems } from './lib/n8nInstance';
import { stopAll } from './lib/proc';
import { packRealPackage, readPackageJson } from './lib/realPackage';

const PKG = readPackageJson().name;
const CHECKFRONT = `${PKG}.checkfront`;
const FIC = `${PKG}.fattureInCloud`;
const FIC_AUTH = 'fattureInCloudRefreshTokenApi';
const DAY = 24 * 3600;
const INSTALL_TIMEOUT = 45 * 60 * 1000;

let tarball: string;
beforeAll(async () => {
  tarball = await packRealPackage();
}, 180_000);
afterAll(async () => {
  await stopAll();
  if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
});

const trigger = { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

/** A node of the package, by type, display name and credential type (the node's "Authentication"). */
interface NodeOf {
  type: string;
  name: string;
  authentication: string;
}
const CHECKFRONT_NODE: NodeOf = { type: CHECKFRONT, name: 'Checkfront', authentication: 'checkfrontOAuth2Api' };
const FIC_NODE: NodeOf = { type: FIC, name: 'Fatture in Cloud', authentication: FIC_AUTH };

/** Manual trigger -> one node of the package with the credential, as `n8n execute` runs it. */
function manual(id: string, credentialId: string, parameters: object, node: NodeOf = CHECKFRONT_NODE) {
  return {
    id,
    name: `e2e ${id}`,
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      trigger,
      {
        id: 'n1',
        name: node.name,
        type: node.type,
        typeVersion: 1,
        position: [240, 0],
        parameters: { authentication: node.authentication, ...parameters },
        credentials: { [node.authentication]: { id: credentialId, name: credentialId } },
      },
    ],
    connections: { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
  };
}

describe.each(selectedLines().map((l) => [`${l.id} (n8n ${l.version})`, l] as const))('keep-alive, n8n line %s', (_label, initialLine) => {
  const sim = new CheckfrontSimulator();
  const fic = new FattureInCloudSimulator();
  const ficIds = { kept: 'e2eKaFicKept0001', alone: 'e2eKaFicAlone001' };
  let n8n: N8nInstance;
  const ids = { kept: 'e2eKaCredKept001', alone: 'e2eKaCredAlone01', race: 'e2eKaCredRace001' };
  const wf = (name: string, credential: string) => `e2eKa${name}${credential.slice(9, 14)}`.slice(0, 16);

  beforeAll(async () => {
    const line = ensureInstalled(initialLine);
    await sim.start();
    await fic.start();
    n8n = await N8nInstance.create({ line, packageTarball: tarball });
    await n8n.importCredentials(
      Object.values(ids).map((id) => ({
        id,
        name: id,
        type: 'checkfrontOAuth2Api',
        data: { host: sim.server.url, clientId: sim.clientId, clientSecret: sim.clientSecret, oauthTokenData: sim.issueTokenPair() },
      })),
    );
    const workflows = Object.values(ids).flatMap((credential) => [
      manual(wf('Alive', credential), credential, { resource: 'connection', operation: 'keepAlive' }),
      manual(wf('Job', credential), credential, { resource: 'booking', operation: 'getAll', returnAll: false, limit: 3 }),
    ]);
    await n8n.importCredentials(
      Object.values(ficIds).map((id) => ({
        id,
        name: id,
        type: FIC_AUTH,
        data: { clientId: fic.clientId, clientSecret: fic.clientSecret, refreshToken: fic.issuePair(['entity.clients:r']).refresh_token, baseUrlOverride: fic.server.url, accessToken: '' },
      })),
    );
    const ficWorkflows = Object.values(ficIds).flatMap((credential) => [
      manual(wf('FicAlive', credential), credential, { resource: 'connection', operation: 'keepAlive' }, FIC_NODE),
      manual(wf('FicJob', credential), credential, { resource: 'user', operation: 'getInfo' }, FIC_NODE),
    ]);
    await n8n.importWorkflow([...workflows, ...ficWorkflows]);
  }, INSTALL_TIMEOUT);

  afterAll(async () => {
    await n8n?.dispose();
    await sim.stop();
    await fic.stop();
  });

  const stored = async (id: string) => (await n8n.exportCredentials()).find((c) => c.id === id).data.oauthTokenData;

  test('a weekly keep-alive carries a monthly job to day 60; without it the credential dies on day 15', async () => {
    const days: string[] = [];
    for (let day = 0; day <= 60; day++) {
      if (day % 7 === 0) {
        const run = await n8n.execute(wf('Alive', ids.kept));
        expect(nodeOutput(run, 'Checkfront')).toEqual([expect.objectContaining({ connection: 'ok', renewed: 'renewed' })]);
        days.push(`${day}:alive`);
      }
      if (day % 30 === 0) {
        expect(nodeOutput(await n8n.execute(wf('Job', ids.kept)), 'Checkfront')).toHaveLength(3);
        days.push(`${day}:job`);
      }
      if (day === 0) expect(nodeOutput(await n8n.execute(wf('Job', ids.alone)), 'Checkfront')).toHaveLength(3);
      if (day === 15) {
        const dead = await n8n.executeRaw(wf('Job', ids.alone));
        expect(dead.ok).toBe(false);
        expect(dead.run?.data?.resultData?.error?.message).toBe('Checkfront: the OAuth2 connection has expired or was revoked; reconnect the credential');
        days.push('15:alone dead');
      }
      sim.advance(DAY);
    }
    expect(days).toEqual(expect.arrayContaining(['56:alive', '60:job', '15:alone dead']));
    const kept = await stored(ids.kept);
    expect(sim.refreshTokens.get(kept.refresh_token)?.live).toBe(true);
  }, 20 * 60_000);

  test('a keep-alive racing a 401 refresh in another execution: no execution fails, the newest pair is stored', async () => {
    // a fresh connection: the simulator's clock may already be two months on (the test above)
    await n8n.importCredentials([
      { id: ids.race, name: ids.race, type: 'checkfrontOAuth2Api', data: { host: sim.server.url, clientId: sim.clientId, clientSecret: sim.clientSecret, oauthTokenData: sim.issueTokenPair() } },
    ]);
    for (const round of [1, 2]) {
      sim.expireAccessTokens();
      sim.server.clearLog();
      sim.holdRefreshes(2);
      const [jobRun, aliveRun] = await Promise.all([n8n.executeRaw(wf('Job', ids.race)), n8n.executeRaw(wf('Alive', ids.race))]);
      const error = jobRun.run?.data?.resultData?.error?.message ?? aliveRun.run?.data?.resultData?.error?.message;
      expect({ round, job: jobRun.ok, alive: aliveRun.ok, error }).toEqual({ round, job: true, alive: true, error: undefined });
      expect(nodeOutput(jobRun.run, 'Checkfront')).toHaveLength(3);
      const [answer] = nodeOutput(aliveRun.run, 'Checkfront');
      expect(answer).toMatchObject({ connection: 'ok' });
      // a real race: both executions sent the same refresh token; the simulator rotated on the first, refused the second
      const refreshes = sim.refreshRequests();
      expect(refreshes).toHaveLength(2);
      expect(new Set(refreshes.map((r) => (r.body as Record<string, string>).refresh_token)).size).toBe(1);
      const pair = await stored(ids.race);
      expect(sim.refreshTokens.get(pair.refresh_token)?.live).toBe(true);
      // eslint-disable-next-line no-console
      console.log(`line ${initialLine.id} race ${round}: keep-alive "${answer.renewed}", job ok`);
    }
  }, 10 * 60_000);

  test('Fatture in Cloud: a quarterly keep-alive carries a yearly job through two years; alone it dies after one', async () => {
    const ficStored = async (id: string) => (await n8n.exportCredentials()).find((c) => c.id === id).data;
    const days: string[] = [];
    for (let day = 0; day <= 730; day += 10) {
      if (day % 90 === 0) {
        const run = await n8n.execute(wf('FicAlive', ficIds.kept));
        expect(nodeOutput(run, 'Fatture in Cloud')).toEqual([expect.objectContaining({ connection: 'ok', renewed: 'renewed' })]);
        days.push(`${day}:alive`);
      }
      if (day === 0 || day === 370 || day === 730) {
        expect(nodeOutput(await n8n.execute(wf('FicJob', ficIds.kept)), 'Fatture in Cloud')).toHaveLength(1);
        days.push(`${day}:job`);
      }
      if (day === 0) expect(nodeOutput(await n8n.execute(wf('FicJob', ficIds.alone)), 'Fatture in Cloud')).toHaveLength(1);
      if (day === 370) {
        const dead = await n8n.executeRaw(wf('FicJob', ficIds.alone));
        expect(dead.ok).toBe(false);
        expect(dead.run?.data?.resultData?.error?.message).toMatch(/^Fatture in Cloud: the refresh token was refused; reconnect the credential/);
        days.push('370:alone dead');
      }
      fic.advance(10 * DAY);
    }
    expect(days).toEqual(expect.arrayContaining(['720:alive', '370:job', '730:job', '370:alone dead']));
    const kept = await ficStored(ficIds.kept);
    expect(fic.refreshTokens.get(kept.refreshToken)?.live).toBe(true);
  }, 20 * 60_000);

  test('the serialized execution data of the keep-alive contains no token; the template imports', async () => {
    const before = await stored(ids.kept);
    const run = await n8n.executeRaw(wf('Alive', ids.kept));
    expect(run.ok).toBe(true);
    const after = await stored(ids.kept);
    const tokens = [before.access_token, before.refresh_token, after.access_token, after.refresh_token, sim.clientSecret];
    const printed = JSON.stringify(run.run) + run.cli.stdout + run.cli.stderr;
    const n8nFolder = n8n.n8nFolder;
    const files = fs.readdirSync(n8nFolder).filter((name) => name.startsWith('database'));
    expect(files.length).toBeGreaterThan(0);
    const database = files.map((name) => fs.readFileSync(path.join(n8nFolder, name)).toString('latin1')).join('\n');
    // the executions are in the database (not only the printed run), and hold none of the tokens
    expect(database).toContain('renewed');
    for (const token of tokens) {
      expect(printed).not.toContain(token);
      expect(database).not.toContain(token);
      expect(database).not.toContain(Buffer.from(token).toString('base64'));
    }

    const template = { ...checkfrontKeepAliveTemplate(PKG), id: 'e2eKaTemplate001' };
    await n8n.importWorkflow(template);
    // every process but the runs that fail on purpose (the dead credential of day 15) loaded the package cleanly
    await n8n.importWorkflow({ ...fattureInCloudKeepAliveTemplate(PKG), id: 'e2eKaTemplate002' });
    const failOnPurpose = [`--id=${wf('Job', ids.alone)}`, `--id=${wf('FicJob', ficIds.alone)}`];
    for (const { args, result } of n8n.cliLog.filter((c) => !failOnPurpose.some((arg) => c.args.includes(arg)))) {
      expect({ args: args[0], problems: packageProblems(result.stdout + result.stderr, PKG) }).toEqual({ args: args[0], problems: [] });
    }
  }, 5 * 60_000);
});
