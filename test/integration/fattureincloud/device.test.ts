import type { IDataObject } from 'n8n-workflow';

import { DEVICE_LIMITS } from '../../../nodes/FattureInCloud/auth';
import { leaksIn, rig, run, sim, SCOPES } from './setup';

/**
 * Device code (RFC 8628) inside n8n: from an empty credential to a working, stored one. Step 1 (any step of
 * the node) shows the code and the link; the user approves in Fatture in Cloud; step 2 (the same step run
 * again) polls, honouring interval and slow_down, and stores the tokens in the credential. No token and no
 * device code ever appears in execution data.
 */

const getInfo = { resource: 'user', operation: 'getInfo' };
const DEVICE = 'fattureInCloudDeviceCodeApi' as const;
const stored = () => rig.harness.store.read(DEVICE) as IDataObject;

const saved = { ...DEVICE_LIMITS };
beforeEach(() => {
	// Faster than Fatture in Cloud's 5 s, the same rules: the simulator checks the spacing of polls.
	sim.deviceIntervalSeconds = 1;
	sim.slowDownSeconds = 1;
	DEVICE_LIMITS.slowDownSeconds = 1;
	rig.harness.addCredential(DEVICE, DEVICE, { clientId: sim.deviceClientId, scopes: SCOPES, baseUrlOverride: sim.server.url, accessToken: '' });
});
afterAll(() => Object.assign(DEVICE_LIMITS, saved));

async function startLogin(): Promise<string> {
	const first = await run(DEVICE, getInfo);
	expect(leaksIn(first)).toEqual([]);
	const userCode = String(stored().userCode);
	expect(first.error?.message).toBe(
		`Fatture in Cloud device login: open ${sim.verificationUri} and enter the code ${userCode}, then run this step again`,
	);
	return userCode;
}

it('from nothing to a working stored credential, with a slow_down in the middle; no secret in any step', async () => {
	// Step 1: the code and the link, where the user looks (the step's message); nothing else was called.
	const userCode = await startLogin();
	expect(userCode).toMatch(/^[A-Z]+-[A-Z]+$/);
	expect(sim.server.requestsTo('POST', '/oauth/device')[0].body).toEqual({ client_id: sim.deviceClientId, scope: 'entity.clients:a issued_documents.invoices:r' });
	expect(sim.server.requestsTo('GET', '/user/info')).toHaveLength(0);
	expect(String(stored().deviceCodeSecret)).toMatch(/^d\/fic/);

	// The user approves on the third poll; the server asks to slow down on the first.
	sim.decide(userCode, 'approved', 3);
	sim.slowDownNextPoll();
	const second = await run(DEVICE, getInfo);
	expect(second.error).toBeUndefined();
	expect(second.items[0].json).toMatchObject({ data: { name: 'Mario Rossi' } });
	expect(leaksIn(second)).toEqual([]);

	const polls = sim.devicePolls();
	expect(polls).toHaveLength(3);
	for (const poll of polls) expect(poll.body).toEqual({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: sim.deviceClientId, device_code: expect.stringMatching(/^d\/fic/) });
	// After slow_down the interval grew from 1 s to 2 s, and the client kept to it.
	expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(1900);
	expect(polls[2].at - polls[1].at).toBeGreaterThanOrEqual(1900);

	const data = stored();
	expect(String(data.accessToken)).toMatch(/^a\/fic/);
	expect(String(data.refreshToken)).toMatch(/^r\/fic/);
	expect(data).toMatchObject({ deviceCodeSecret: '', userCode: '', verificationUri: '' });

	// Later executions use the stored token; an expired one is refreshed without a client secret.
	const third = await run(DEVICE, { resource: 'user', operation: 'getCompanies' });
	expect(third.error).toBeUndefined();
	sim.expireAccessTokens();
	const fourth = await run(DEVICE, getInfo);
	expect(fourth.error).toBeUndefined();
	const refreshes = sim.refreshRequests();
	expect(refreshes).toHaveLength(1);
	expect(refreshes[0].body).toEqual({ grant_type: 'refresh_token', client_id: sim.deviceClientId, refresh_token: data.refreshToken });
	expect(stored().refreshToken).not.toBe(data.refreshToken);
	for (const result of [third, fourth]) expect(leaksIn(result)).toEqual([]);
});

it('access_denied is reported clearly, and the next run starts a new login', async () => {
	const userCode = await startLogin();
	sim.decide(userCode, 'denied');
	const second = await run(DEVICE, getInfo);
	expect(second.error?.message).toBe('Fatture in Cloud device login was refused (access_denied)');
	expect(leaksIn(second)).toEqual([]);
	const third = await run(DEVICE, getInfo);
	expect(third.error?.message).toMatch(/device login: open .* and enter the code/);
	expect(sim.server.requestsTo('POST', '/oauth/device')).toHaveLength(2);
});

it('a code never approved: polling stops at expires_in and says expired_token', async () => {
	sim.deviceLifetimeSeconds = 3;
	await startLogin();
	const started = Date.now();
	const second = await run(DEVICE, getInfo);
	expect(second.error?.message).toBe('Fatture in Cloud device login expired before it was approved (expired_token)');
	expect(Date.now() - started).toBeLessThan(6000);
	expect(sim.devicePolls().length).toBeGreaterThanOrEqual(1);
	expect(leaksIn(second)).toEqual([]);
});

it('a revoked device connection asks to reconnect, then offers a new code', async () => {
	sim.decide(await startLogin(), 'approved');
	expect((await run(DEVICE, getInfo)).error).toBeUndefined();
	sim.revoke(String(stored().refreshToken));
	sim.expireAccessTokens();
	const revoked = await run(DEVICE, getInfo);
	expect(revoked.error?.message).toBe('Fatture in Cloud: the device login has expired or was revoked; reconnect the credential');
	expect(leaksIn(revoked)).toEqual([]);
	const again = await run(DEVICE, getInfo);
	expect(again.error?.message).toMatch(/device login: open .* and enter the code/);
});

it('the credential Test button runs the same flow: code and link first, "Connection successful" after approval', async () => {
	await run('fattureInCloudApi', getInfo); // expressions resolve against a workflow
	const first = await rig.harness.testCredential(DEVICE, DEVICE);
	expect(first.status).toBe('Error');
	expect(first.message).toMatch(new RegExp(`open ${sim.verificationUri} and enter the code ${String(stored().userCode)}`));
	sim.decide(String(stored().userCode), 'approved');
	expect(await rig.harness.testCredential(DEVICE, DEVICE)).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(String(stored().refreshToken)).toMatch(/^r\/fic/);
});

it('a client for which the device flow is not enabled gets a message that says so', async () => {
	rig.harness.addCredential(DEVICE, DEVICE, { clientId: sim.clientId, baseUrlOverride: sim.server.url, accessToken: '' });
	const result = await run(DEVICE, getInfo);
	expect(result.error?.message).toMatch(/refused to start a device login \(HTTP 400\): invalid_client/);
	expect(result.error?.description).toMatch(/enabled by Fatture in Cloud only on request/);
});
