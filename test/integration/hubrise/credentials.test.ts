import type { IDataObject } from 'n8n-workflow';

import { forgetSentCodes } from '../../../nodes/HubRise/auth';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { Harness } from '../../harness';
import { basicOf } from '../../simulators/framework';
import { HubRiseApi } from '../../../credentials/HubRiseApi.credentials';
import { HubRiseOAuth2Api } from '../../../credentials/HubRiseOAuth2Api.credentials';
import { HubRise } from '../../../nodes/HubRise/HubRise.node';
import { expectNoSecret, expectTokenHeaderOnly, FULL_SCOPE, json, rig, run, sim } from './setup';

const getLocation = { resource: 'location', operation: 'get' };

/** The same stored credentials in a fresh "process": no in-memory token, no memory of sent codes. */
function secondProcess(): void {
	resetTokenState();
	forgetSentCodes();
	const next = new Harness({ credentialTypes: [new HubRiseOAuth2Api(), new HubRiseApi()], nodeTypes: { hubRise: new HubRise() } });
	for (const id of ['oauth', 'app']) {
		const record = rig.harness.store.get(id);
		next.addCredential(id, record.type, rig.harness.store.read(id), record.name);
	}
	rig.harness = next;
}

describe('installed-app credential (pasted code)', () => {
	it('exchanges the code once (client id/secret as HTTP Basic), then never again: second run, second process', async () => {
		const code = String(rig.harness.store.read('app').authorizationCodeSecret);
		const first = await run('hubriseApi', getLocation);
		expect(first.error).toBeUndefined();
		expect(json(first.items)[0]).toMatchObject({ id: '3r4s3-1', name: 'Paris' });
		const tokenCalls = sim.tokenRequests();
		expect(tokenCalls).toHaveLength(1);
		expect(basicOf(tokenCalls[0])).toEqual([sim.clientId, sim.clientSecret]);
		expect(tokenCalls[0].body).toEqual({ code });
		expect(sim.clientAuthSeen).toEqual(['basic']);

		const stored = rig.harness.store.read('app');
		expect(stored.connectionToken).toMatch(/^hr_at_/);
		expect(stored).toMatchObject({ accountId: '3r4s3', locationId: '3r4s3-1', catalogId: 'psmlf', customerListId: 'xab66', locationName: 'Paris' });
		expect(stored.exchangedCode).toMatch(/^[0-9a-f]{32}$/);
		expect(JSON.stringify(stored)).not.toContain(`"exchangedCode":"${code}"`);

		const second = await run('hubriseApi', getLocation);
		expect(second.error).toBeUndefined();
		secondProcess();
		const third = await run('hubriseApi', { resource: 'order', operation: 'getAll', limit: 2 });
		expect(third.error).toBeUndefined();
		expect(json(third.items)).toHaveLength(2);
		expect(sim.tokenRequests()).toHaveLength(1);
		expectTokenHeaderOnly(sim.apiRequests());
		expectNoSecret([first, second, third].map((result) => result.items));
	});

	it('an expired code (older than 10 minutes) says how to get a new one, with no secret in it', async () => {
		sim.advance(11 * 60);
		const { error } = await run('hubriseApi', getLocation);
		expect(sim.tokenRequests()).toHaveLength(1);
		expect(error?.message).toMatch(/HubRise refused the authorization code: it has expired or was already used \(HTTP 404\)/);
		expect(error?.description).toMatch(/Get a new code: open http:\/\/127\.0\.0\.1:\d+\/oauth2\/v1\/authorize\?redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2\.0%3Aoob&client_id=%3Cyour\+Client\+ID%3E&scope=location%5Borders\.write/);
		expect(error?.description).toMatch(/valid for 10 minutes and can be used once/);
		expectNoSecret(error);
		// The refused code is not sent again by a second run of this process.
		const again = await run('hubriseApi', getLocation);
		expect(again.error?.message).toMatch(/authorization code/);
		expect(sim.tokenRequests()).toHaveLength(1);
	});

	it('a code already used elsewhere (another credential, another process) is refused with the same advice', async () => {
		const code = String(rig.harness.store.read('app').authorizationCodeSecret);
		sim.codes.get(code)!.used = true;
		const { error } = await run('hubriseApi', getLocation);
		expect(error?.message).toMatch(/expired or was already used/);
		expectNoSecret(error);
	});

	it('a revoked connection: the code is not sent again, the message says to get a new code', async () => {
		expect((await run('hubriseApi', getLocation)).error).toBeUndefined();
		sim.revoke(String(rig.harness.store.read('app').connectionToken));
		secondProcess();
		const { error } = await run('hubriseApi', getLocation);
		expect(sim.tokenRequests()).toHaveLength(1);
		expect(error?.message).toMatch(/revoked or blocked \(HTTP 401\)\. The authorization code was already used, so it is not sent again/);
		expect(error?.description).toMatch(/Reconnect: Get a new code/);
		expectNoSecret(error);
	});

	it('a revoked connection over 10 items (Continue On Fail): one token check, not one per item; each item says to reconnect', async () => {
		expect((await run('hubriseApi', getLocation)).error).toBeUndefined();
		sim.revoke(String(rig.harness.store.read('app').connectionToken));
		secondProcess();
		sim.server.clearLog();
		const { items } = await run('hubriseApi', getLocation, { items: Array.from({ length: 10 }, (_, n) => ({ n })), continueOnFail: true });
		expect(items).toHaveLength(10);
		for (const item of items) expect(String(item.json.error)).toMatch(/revoked or blocked \(HTTP 401\)/);
		// n8n runs preAuthentication after each 401; the held token is checked (GET /callback) at most once, and
		// once a renewed token was refused too, the later items report the 401 without renewing again.
		expect(sim.server.requestsTo('GET', '/v1/callback').length).toBeLessThanOrEqual(1);
		expect(sim.server.requestsTo('GET', '/v1/location').length).toBeLessThanOrEqual(11);
		expect(sim.tokenRequests()).toHaveLength(0);
	});

	it('a new pasted code replaces the old connection on the next run', async () => {
		expect((await run('hubriseApi', getLocation)).error).toBeUndefined();
		const before = rig.harness.store.read('app');
		const code = sim.issueCode(FULL_SCOPE);
		rig.harness.store.update('app', { ...before, authorizationCodeSecret: code });
		expect((await run('hubriseApi', getLocation)).error).toBeUndefined();
		expect(sim.tokenRequests()).toHaveLength(2);
		expect(sim.tokenRequests()[1].body).toEqual({ code });
		expect(rig.harness.store.read('app').connectionToken).not.toBe(before.connectionToken);
	});

	it('a pasted access token is used as it is, without any token call', async () => {
		const connection = sim.connect('location[orders.read]');
		rig.harness.store.update('app', { ...rig.harness.store.read('app'), authorizationCodeSecret: '', accessToken: connection.token });
		const { items, error } = await run('hubriseApi', { resource: 'order', operation: 'getAll', limit: 3 });
		expect(error).toBeUndefined();
		expect(json(items)).toHaveLength(3);
		// The ids are not known for a pasted token: the short /location form is used.
		expect(sim.apiRequests().map((request) => request.path)).toContain('/v1/location/orders');
		expect(sim.tokenRequests()).toHaveLength(0);
		expect(sim.apiRequests().every((request) => request.headers['x-access-token'] === connection.token)).toBe(true);
	});

	it('the credential test exchanges the code once and passes; testing again sends no code', async () => {
		expect(await rig.harness.testCredential('hubriseApi', 'app')).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(await rig.harness.testCredential('hubriseApi', 'app')).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sim.tokenRequests()).toHaveLength(1);
		const { error } = await run('hubriseApi', getLocation);
		expect(error).toBeUndefined();
		expect(sim.tokenRequests()).toHaveLength(1);
	});

	it('the token endpoint of the simulator takes client id and secret in the body too (the seed form)', async () => {
		const code = sim.issueCode();
		const response = await fetch(`${sim.server.url}/oauth2/v1/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ code, client_id: sim.clientId, client_secret: sim.clientSecret }).toString(),
		});
		expect(response.status).toBe(200);
		expect(((await response.json()) as IDataObject).access_token).toMatch(/^hr_at_/);
		expect(sim.clientAuthSeen).toEqual(['body']);
	});
});

describe('OAuth2 credential', () => {
	it('sends the token in X-Access-Token only; the ids of the token response are the defaults', async () => {
		const { items, error } = await run('hubriseOAuth2Api', { resource: 'customer', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(json(items).map((customer) => customer.id)).toEqual(['ve343', 'jdj9v']);
		expect(sim.apiRequests().map((request) => request.path)).toEqual(['/v1/customer_lists/xab66/customers']);
		expectTokenHeaderOnly(sim.apiRequests());
		expect(sim.tokenRequests()).toHaveLength(0);
	});

	it('a revoked connection (401) ends in a message that says to reconnect; nothing is refreshed', async () => {
		sim.revoke(rig.oauthToken);
		const { error } = await run('hubriseOAuth2Api', getLocation);
		expect(error?.message).toMatch(/HubRise error 401 \(unauthorized\): The connection has been blocked/);
		expect(error?.description).toMatch(/revoked or blocked .*never expire.*reconnect it/);
		expect(sim.tokenRequests()).toHaveLength(0);
		expect(sim.apiRequests()).toHaveLength(1);
		expectNoSecret(error);
	});

	it('a missing permission is a 403 that says to widen the scope', async () => {
		rig.harness = (await import('./setup')).newHarness('location[orders.read]');
		const { error } = await run('hubriseOAuth2Api', { resource: 'order', operation: 'create', order: '{"status":"new"}' });
		expect(error?.message).toMatch(/HubRise error 403 \(forbidden\): Missing permission orders\.write/);
		expect(error?.description).toMatch(/Widen the scope/);
	});

	it('the credential test passes with the stored token', async () => {
		expect(await rig.harness.testCredential('hubriseOAuth2Api', 'oauth')).toEqual({ status: 'OK', message: 'Connection successful!' });
		const request = sim.apiRequests()[0];
		expect(request.path).toBe('/v1/callback');
		expect(request.headers['x-access-token']).toBe(rig.oauthToken);
	});
});

describe('lists and limits', () => {
	it('1,000 orders with Return All: exactly 1,000, in order, 10 page requests', async () => {
		sim.reset(1000);
		// Every order in the connected location.
		for (const order of sim.orders) order.location_id = '3r4s3-1';
		rig.harness = (await import('./setup')).newHarness();
		const { items, error } = await run('hubriseOAuth2Api', { resource: 'order', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(json(items).map((order) => order.id)).toEqual(sim.orders.map((order) => order.id));
		expect(items).toHaveLength(1000);
		const pages = sim.apiRequests();
		expect(pages).toHaveLength(10);
		expect(pages[0].query).toEqual({ count: '100' });
		expect(pages.slice(1).every((request) => request.query.count === '100' && typeof request.query.cursor === 'string')).toBe(true);
	}, 60_000);

	it('a 429 with Retry-After is waited out and the page asked again', async () => {
		sim.server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, json: { error_type: 'too_many_requests', message: 'Rate limit exceeded' } });
		const started = Date.now();
		const { items, error } = await run('hubriseOAuth2Api', { resource: 'order', operation: 'getAll', limit: 5 });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(5);
		expect(sim.apiRequests()).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});

	it('the simulator enforces its windows: request 501 of a minute gets 429 with Retry-After to the boundary', async () => {
		sim.limits.minute = 3;
		const results = [];
		for (let n = 0; n < 4; n++) {
			results.push(await fetch(`${sim.server.url}/v1/callback`, { headers: { 'x-access-token': rig.oauthToken } }));
		}
		expect(results.map((response) => response.status)).toEqual([200, 200, 200, 429]);
		const wait = Number(results[3].headers.get('retry-after'));
		expect(wait).toBeGreaterThan(0);
		expect(wait).toBeLessThanOrEqual(60);
	});
});
