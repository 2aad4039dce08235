import { ClientOAuth2 } from '@n8n/client-oauth2';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { CheckfrontApi } from '../../credentials/CheckfrontApi.credentials';
import { CheckfrontOAuth2Api } from '../../credentials/CheckfrontOAuth2Api.credentials';
import { Checkfront } from '../../nodes/Checkfront/Checkfront.node';
import { Harness } from '../harness';
import type { RunOptions, RunResult } from '../harness';
import { basicOf, bearerOf } from '../simulators/framework';
import type { RecordedRequest } from '../simulators/framework';
import { CheckfrontSimulator } from '../simulators/checkfront';

/**
 * The Checkfront node through n8n-core's real execution path against the loopback simulator:
 * n8n-core applies the token pair (generic Basic auth) and signs/refreshes OAuth2 itself; every
 * assertion reads what the simulator saw and what the node put out.
 */

type Auth = 'checkfrontApi' | 'checkfrontOAuth2Api';
const AUTHS: Auth[] = ['checkfrontApi', 'checkfrontOAuth2Api'];

const sim = new CheckfrontSimulator();
/** The account's "new host" after a migration: a second loopback simulator sharing the account. */
const moved = new CheckfrontSimulator();
let harness: Harness;

beforeAll(async () => {
	await sim.start();
	await moved.start();
	moved.shareAccountWith(sim);
});
afterAll(async () => {
	await sim.stop();
	await moved.stop();
});

function newHarness(host = sim.server.url): Harness {
	const h = new Harness({
		credentialTypes: [new CheckfrontApi(), new CheckfrontOAuth2Api()],
		nodeTypes: { checkfront: new Checkfront() },
	});
	h.addCredential('token', 'checkfrontApi', { host, apiKey: sim.apiKey, apiSecret: sim.apiSecret });
	h.addCredential('oauth', 'checkfrontOAuth2Api', {
		host,
		clientId: sim.clientId,
		clientSecret: sim.clientSecret,
		oauthTokenData: sim.issueTokenPair(),
	});
	return h;
}

beforeEach(() => {
	sim.reset();
	moved.server.clearLog();
	moved.shareAccountWith(sim);
	harness = newHarness();
});

async function run(auth: Auth, parameters: IDataObject, options: Partial<RunOptions> = {}): Promise<RunResult> {
	return await harness.run({
		type: 'checkfront',
		parameters: { authentication: auth, ...parameters },
		credentials: { [auth]: auth === 'checkfrontApi' ? 'token' : 'oauth' },
		...options,
	});
}

/** The harness resolves credential expressions against the workflow of its last run. */
async function primeExpressions(): Promise<void> {
	await run('checkfrontApi', { resource: 'account', operation: 'ping' });
	sim.server.clearLog();
}

const json = (items: INodeExecutionData[]) => items.map((item) => item.json);
const apiRequests = (server = sim.server) => server.requests.filter((request) => request.path.startsWith('/api/3.0'));

/** Every secret the run could have leaked: key secret, consumer secret, current and past tokens. */
function secrets(): string[] {
	return [
		sim.apiSecret,
		sim.clientSecret,
		Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString('base64'),
		...sim.accessTokens.keys(),
		...sim.refreshTokens.keys(),
	];
}

function expectNoSecret(value: unknown): void {
	const text = JSON.stringify(value, (_key, entry: unknown) => (entry instanceof Error ? { ...entry, message: entry.message } : entry));
	for (const secret of secrets()) expect(text).not.toContain(secret);
}

/** The credential was applied as Checkfront wants it, and only that way. */
function expectAuthApplied(auth: Auth, requests: RecordedRequest[]): void {
	expect(requests.length).toBeGreaterThan(0);
	for (const request of requests) {
		expect(request.query.access_token).toBeUndefined();
		if (auth === 'checkfrontApi') {
			expect(basicOf(request)).toEqual([sim.apiKey, sim.apiSecret]);
		} else {
			expect(bearerOf(request)).toMatch(/^cf_at_/);
			// The consumer key/secret never go to /api/.
			expect(basicOf(request)).toBeUndefined();
		}
	}
}

describe.each(AUTHS)('every operation with %s', (auth) => {
	afterEach(() => expectAuthApplied(auth, apiRequests()));

	it('account: ping', async () => {
		const { items, error } = await run(auth, { resource: 'account', operation: 'ping' });
		expect(error).toBeUndefined();
		expect(json(items)).toHaveLength(1);
		expect(json(items)[0].pong).toMatchObject({ provider: auth === 'checkfrontApi' ? 'Token' : 'OAuth2' });
	});

	it('booking: get', async () => {
		const { items, error } = await run(auth, { resource: 'booking', operation: 'get', bookingId: 'CFPP-100007' });
		expect(error).toBeUndefined();
		expect(json(items)).toEqual([expect.objectContaining({ booking_id: 7, code: 'CFPP-100007' })]);
		expect(apiRequests().map((request) => request.path)).toEqual(['/api/3.0/booking/CFPP-100007']);
	});

	it('booking: get many with status and date filters, limited', async () => {
		const { items, error } = await run(auth, {
			resource: 'booking',
			operation: 'getAll',
			limit: 5,
			filters: { status_id: 'PAID', start_date: '2026-11-10T00:00:00', end_date: '2026-11-20' },
		});
		expect(error).toBeUndefined();
		const bookings = json(items);
		expect(bookings).toHaveLength(5);
		for (const booking of bookings) {
			expect(booking.status_id).toBe('PAID');
			expect(String(booking.start_date) >= '20261110' && String(booking.start_date) <= '20261120').toBe(true);
		}
		expect(apiRequests()[0].query).toEqual({ status_id: 'PAID', start_date: '20261110', end_date: '20261120', limit: '5', page: '1' });
	});

	it('booking: create through a booking session (form-urlencoded)', async () => {
		const { items, error } = await run(auth, {
			resource: 'booking',
			operation: 'create',
			slips: '18.20261105X1-adults.1, 21.20261105X1',
			customerName: 'Ada Lovelace',
			customerEmail: 'ada@example.com',
			formFields: { values: [{ name: 'customer_phone', value: '+1 555 0100' }] },
		});
		expect(error).toBeUndefined();
		const [session, create] = apiRequests();
		expect(`${session.method} ${session.path}`).toBe('POST /api/3.0/booking/session');
		expect(session.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
		expect(session.body).toEqual({ 'slip[0]': '18.20261105X1-adults.1', 'slip[1]': '21.20261105X1' });
		expect(`${create.method} ${create.path}`).toBe('POST /api/3.0/booking/create');
		expect(create.body).toMatchObject({
			'form[customer_name]': 'Ada Lovelace',
			'form[customer_email]': 'ada@example.com',
			'form[customer_phone]': '+1 555 0100',
		});
		const created = json(items)[0];
		expect(created.id).toMatch(/^NEWB-/);
		expect(created.session_id).toBe((create.body as IDataObject).session_id);
	});

	it('booking: update status', async () => {
		const { items, error } = await run(auth, {
			resource: 'booking',
			operation: 'updateStatus',
			bookingId: 'CFPP-100003',
			statusId: 'PAID',
			notify: false,
		});
		expect(error).toBeUndefined();
		expect(apiRequests()[0].body).toEqual({ status_id: 'PAID', notify: '0' });
		expect(sim.bookings[2].status_id).toBe('PAID');
		expect(json(items)[0].booking).toMatchObject({ status_id: 'PAID' });
	});

	it('booking: add note', async () => {
		const { error } = await run(auth, { resource: 'booking', operation: 'addNote', bookingId: 'CFPP-100001', note: 'Guest arrives late & hungry' });
		expect(error).toBeUndefined();
		expect(sim.notes).toEqual([{ booking: 'CFPP-100001', body: 'Guest arrives late & hungry' }]);
		expect(apiRequests()[0].rawBody).toBe('body=Guest%20arrives%20late%20%26%20hungry');
	});

	it('customer: get and get many', async () => {
		const one = await run(auth, { resource: 'customer', operation: 'get', customerId: 'NQ2-039-421' });
		expect(json(one.items)).toEqual([expect.objectContaining({ customer_id: 25, customer_name: 'John Smith' })]);
		const many = await run(auth, { resource: 'customer', operation: 'getAll', returnAll: true, filters: { customer_email: 'bridgette@example.com' } });
		expect(json(many.items)).toEqual([expect.objectContaining({ customer_id: 3 })]);
		expect(apiRequests()[1].query).toMatchObject({ customer_email: 'bridgette@example.com' });
	});

	it('item: get and get many, with availability for dates', async () => {
		const one = await run(auth, { resource: 'item', operation: 'get', itemId: '18', availability: { start_date: '2026-11-05', end_date: '2026-11-06' } });
		expect(json(one.items)[0]).toMatchObject({ item_id: 18, rated: 1, rate: { slip: '18.20261105X1-adults.1' } });
		expect(apiRequests()[0].query).toEqual({ start_date: '20261105', end_date: '20261106' });
		const many = await run(auth, { resource: 'item', operation: 'getAll', returnAll: true, availability: { start_date: '2026-11-05' } });
		expect(json(many.items).map((item) => item.item_id)).toEqual([14, 18, 21]);
		expect(json(many.items).every((item) => item.rated === 1)).toBe(true);
		const plain = await run(auth, { resource: 'item', operation: 'getAll', limit: 2 });
		expect(json(plain.items)).toHaveLength(2);
		expect(json(plain.items)[0].rated).toBe(0);
	});

	it('event and category: get many', async () => {
		const events = await run(auth, { resource: 'event', operation: 'getAll', returnAll: true });
		expect(json(events.items).map((event) => event.name)).toEqual(['Max 3 Days', 'Easter Closure']);
		const categories = await run(auth, { resource: 'category', operation: 'getAll', returnAll: true });
		expect(json(categories.items).map((category) => category.name)).toEqual(['Tours', 'Accommodations', 'Activities']);
	});

	it('custom API call: method, path under /api/3.0/, query and form body', async () => {
		const get = await run(auth, {
			resource: 'customApiCall',
			operation: 'call',
			method: 'GET',
			path: '/api/3.0/booking/index',
			query: { values: [{ name: 'status_id', value: 'HOLD' }, { name: 'limit', value: '2' }] },
		});
		expect(get.error).toBeUndefined();
		expect(Object.keys(json(get.items)[0]['booking/index'] as IDataObject)).toHaveLength(2);
		const post = await run(auth, {
			resource: 'customApiCall',
			operation: 'call',
			method: 'POST',
			path: 'booking/CFPP-100002/note',
			formBody: { values: [{ name: 'body', value: 'from a custom call' }] },
		});
		expect(post.error).toBeUndefined();
		const request = apiRequests()[1];
		expect(`${request.method} ${request.path} ${request.rawBody}`).toBe('POST /api/3.0/booking/CFPP-100002/note body=from%20a%20custom%20call');
	});
});

describe('custom API call stays on the host', () => {
	it.each(['https://evil.test/api/3.0/ping', '//evil.test/x', '/../../oauth/token/'])('refuses %j without sending anything', async (path) => {
		const { error } = await run('checkfrontApi', { resource: 'customApiCall', operation: 'call', method: 'GET', path });
		expect(error?.message).toMatch(/path/i);
		expect(sim.server.requests).toHaveLength(0);
	});
});

describe('Return All over 2,500 bookings', () => {
	it.each(AUTHS)('yields exactly 2,500 items in order (%s)', async (auth) => {
		sim.reset(2500);
		harness = newHarness();
		const { items, error } = await run(auth, { resource: 'booking', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2500);
		expect(json(items).map((booking) => booking.booking_id)).toEqual(Array.from({ length: 2500 }, (_, index) => index + 1));
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(apiRequests().map((request) => request.query.page)).toEqual(Array.from({ length: 25 }, (_, index) => String(index + 1)));
	});
});

describe('OAuth2 refresh with rotating refresh tokens', () => {
	it('token expiry mid-run: one refresh, the rotated pair persisted, no item lost', async () => {
		sim.reset(2500);
		harness = newHarness();
		const before = harness.store.read('oauth').oauthTokenData as IDataObject;
		sim.expireAccessTokensOnRequest(11); // page 11 of 25 meets an expired token
		const { items, error } = await run('checkfrontOAuth2Api', { resource: 'booking', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(json(items).map((booking) => booking.booking_id)).toEqual(Array.from({ length: 2500 }, (_, index) => index + 1));

		const refreshes = sim.refreshRequests();
		expect(refreshes).toHaveLength(1);
		// Consumer key/secret as HTTP Basic, the refresh token in the form body, nothing else.
		expect(basicOf(refreshes[0])).toEqual([sim.clientId, sim.clientSecret]);
		expect(refreshes[0].body).toEqual({ grant_type: 'refresh_token', refresh_token: before.refresh_token });

		const after = harness.store.read('oauth').oauthTokenData as IDataObject;
		expect(after.refresh_token).not.toBe(before.refresh_token);
		expect(after.access_token).not.toBe(before.access_token);
		expect(sim.refreshTokens.get(String(after.refresh_token))?.live).toBe(true);
		expect(sim.refreshTokens.get(String(before.refresh_token))?.live).toBe(false);

		// Page 11 was asked twice (401, then with the new token); no page was skipped.
		const pages = apiRequests().map((request) => `${request.query.page}:${bearerOf(request) === after.access_token ? 'new' : 'old'}`);
		expect(pages.slice(9, 13)).toEqual(['10:old', '11:old', '11:new', '12:new']);
		expect(apiRequests()).toHaveLength(26);
	});

	it('a second refresh from the stale pair is rejected and the user is told to reconnect', async () => {
		const stale = harness.store.read('oauth').oauthTokenData as IDataObject;
		sim.expireAccessTokens();
		const first = await run('checkfrontOAuth2Api', { resource: 'account', operation: 'ping' });
		expect(first.error).toBeUndefined();
		// Another execution (or an n8n without refresh lock) still holds the old pair.
		harness.store.update('oauth', { ...harness.store.read('oauth'), oauthTokenData: stale });
		sim.expireAccessTokens();
		const second = await run('checkfrontOAuth2Api', { resource: 'account', operation: 'ping' });

		const refreshes = sim.refreshRequests();
		expect(refreshes.map((request) => (request.body as IDataObject).refresh_token)).toEqual([stale.refresh_token, stale.refresh_token]);
		expect(second.error?.message).toMatch(/Checkfront: the OAuth2 connection has expired or was revoked; reconnect the credential/);
		expect(second.error?.description).toMatch(/Open the credential and click Reconnect/);
		expect(second.error?.message).not.toMatch(/invalid_grant|authorization grant/);
		expectNoSecret(second.error);
	});

	it('a refresh token past its 14 days ends in the same reconnect message', async () => {
		sim.advance(15 * 24 * 3600);
		const { error } = await run('checkfrontOAuth2Api', { resource: 'booking', operation: 'get', bookingId: 'CFPP-100001' });
		expect(sim.refreshRequests()).toHaveLength(1);
		expect(error?.message).toMatch(/reconnect the credential/);
		expectNoSecret(error);
	});

	it('the access token goes in the Authorization header even if the token type is not "bearer"', async () => {
		harness.addCredential('oauth', 'checkfrontOAuth2Api', {
			host: sim.server.url,
			clientId: sim.clientId,
			clientSecret: sim.clientSecret,
			oauthTokenData: { ...sim.issueTokenPair(), token_type: 'mac' },
		});
		const { error } = await run('checkfrontOAuth2Api', { resource: 'account', operation: 'ping' });
		expect(error).toBeUndefined();
		expectAuthApplied('checkfrontOAuth2Api', apiRequests());
	});
});

describe('OAuth2 connect flow with the credential URLs (n8n uses @n8n/client-oauth2 for it)', () => {
	async function connect(delaySeconds = 0) {
		const data = await harness.credentialsHelper.getDecrypted({} as never, { id: 'oauth', name: 'oauth' }, 'checkfrontOAuth2Api');
		const redirectUri = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
		const client = new ClientOAuth2({
			clientId: String(data.clientId),
			clientSecret: String(data.clientSecret),
			authorizationUri: String(data.authUrl),
			accessTokenUri: String(data.accessTokenUrl),
			redirectUri,
		});
		const authorize = await fetch(client.code.getUri({ state: 'xyz' }), { redirect: 'manual' });
		expect(authorize.status).toBe(302);
		const callback = String(authorize.headers.get('location'));
		sim.advance(delaySeconds);
		return { data, callback, token: () => client.code.getToken(callback) };
	}

	beforeEach(primeExpressions);

	it('authorize URL and token URL come from the host; the code is exchanged with Basic client auth', async () => {
		const { data, callback, token } = await connect();
		expect(data.authUrl).toBe(`${sim.server.url}/oauth/`);
		expect(data.accessTokenUrl).toBe(`${sim.server.url}/oauth/token/`);
		expect(data).toMatchObject({ grantType: 'authorizationCode', authentication: 'header', useDynamicClientRegistration: false });
		expect(callback).toMatch(/^http:\/\/127\.0\.0\.1:5678\/rest\/oauth2-credential\/callback\?code=cf_code_.*&state=xyz$/);
		const result = await token();
		expect(result.data).toMatchObject({ token_type: 'bearer', expires_in: 14000 });
		const exchange = sim.server.requestsTo('POST', '/oauth/token/')[0];
		expect(basicOf(exchange)).toEqual([sim.clientId, sim.clientSecret]);
		expect(exchange.body).toMatchObject({ grant_type: 'authorization_code' });
		expect(JSON.stringify(exchange.body)).not.toContain(sim.clientSecret);
	});

	it('a code older than 60 s is refused', async () => {
		const { token } = await connect(61);
		await expect(token()).rejects.toMatchObject({ code: 'EAUTH', body: { error: 'invalid_grant' } });
	});
});

describe('credential test (GET /api/3.0/ping with the resolved base URL)', () => {
	beforeEach(primeExpressions);

	it('resolves the base URL from the host and passes with Basic auth', async () => {
		const data = await harness.credentialsHelper.getDecrypted({} as never, { id: 'token', name: 'token' }, 'checkfrontApi');
		expect(data.baseUrl).toBe(`${sim.server.url}/api/3.0`);
		// n8n resolves the test request with $credentials, as the harness does for authenticate.
		const test = new CheckfrontApi().test.request;
		const node = { name: 't', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} } as never;
		const baseUrl = harness.credentialsHelper.workflow?.expression.getSimpleParameterValue(node, String(test.baseURL), 'internal', {
			$credentials: data,
		} as never);
		expect(baseUrl).toBe(`${sim.server.url}/api/3.0`);
		const signed = await harness.credentialsHelper.authenticate(data, 'checkfrontApi', { url: `${String(baseUrl)}${String(test.url)}` }, undefined, node);
		const auth = signed.auth as { username: string; password: string };
		const response = await fetch(signed.url, {
			headers: { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` },
		});
		expect(response.status).toBe(200);
		expect(basicOf(sim.server.requests[0])).toEqual([sim.apiKey, sim.apiSecret]);
	});
});

describe('host validation at request time', () => {
	it.each(AUTHS)('a refused host is reported before any request (%s)', async (auth) => {
		harness = newHarness('https://acme.checkfront.com.evil.test');
		const { error, items } = await run(auth, { resource: 'account', operation: 'ping' });
		expect(items).toHaveLength(0);
		expect(error?.message).toMatch(/not accepted: acme\.checkfront\.com\.evil\.test is not a Checkfront host.*your-company\.checkfront\.com/);
		expect(sim.server.requests).toHaveLength(0);
	});
});

describe('301 host migration', () => {
	it.each(AUTHS)('is followed to the new host with authentication kept, and the user is told (%s)', async (auth) => {
		sim.migrateTo(moved.server.url);
		const { items, error, run: execution } = await run(auth, { resource: 'booking', operation: 'getAll', limit: 150 });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(150);
		expect(apiRequests(sim.server).map((request) => request.query.page)).toEqual(['1', '2']);
		expect(apiRequests(moved.server).map((request) => request.query.page)).toEqual(['1', '2']);
		expectAuthApplied(auth, apiRequests(moved.server));
		const hints = execution.data.resultData.runData['Under Test'][0].hints ?? [];
		expect(hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringContaining(`update the Host field of the credential to ${new URL(moved.server.url).host}`),
			}),
		]);
	});

	it('a redirect to a host that is not Checkfront is refused and nothing is sent there', async () => {
		sim.migrateTo('https://evil.test');
		const { error } = await run('checkfrontApi', { resource: 'account', operation: 'ping' });
		expect(error?.message).toMatch(/redirected the request to evil\.test, which is not a Checkfront host/);
		expect(apiRequests()).toHaveLength(1);
	});
});

describe('throttling, failures and secrets', () => {
	it('503 + Retry-After is waited out and retried (the log shows the gap)', async () => {
		sim.server.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '1' }, json: { error: { title: 'Too many requests' } } }, { times: 1 });
		const { items, error } = await run('checkfrontApi', { resource: 'account', operation: 'ping' });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const [throttled, retried] = apiRequests();
		expect(apiRequests()).toHaveLength(2);
		expect(retried.at - throttled.at).toBeGreaterThanOrEqual(950);
	});

	it('a throttled POST is not sent twice, and the error says why', async () => {
		sim.server.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '1' } }, { times: 1 });
		const { error } = await run('checkfrontApi', { resource: 'booking', operation: 'addNote', bookingId: 'CFPP-100001', note: 'once' });
		expect(apiRequests()).toHaveLength(1);
		expect(sim.notes).toHaveLength(0);
		expect(error?.message).toBe('Checkfront error 503: answered HTTP 503');
		expect(error?.description).toMatch(/throttling.*not retried: this call is not safe to send twice/);
	});

	it.each(AUTHS)('Continue On Fail yields one item per input, errors without secrets (%s)', async (auth) => {
		const { items, error } = await run(
			auth,
			{ resource: 'booking', operation: 'get', bookingId: '={{ $json.code }}' },
			{ continueOnFail: true, items: [{ code: 'CFPP-100001' }, { code: 'NOPE-1' }, { code: 'CFPP-100002' }] },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(json(items)[0].code).toBe('CFPP-100001');
		expect(json(items)[1]).toMatchObject({ error: 'Checkfront error 404: Booking not found', httpCode: '404' });
		expect(json(items)[2].code).toBe('CFPP-100002');
		expectNoSecret(items);
	});

	it('a refused host under Continue On Fail still yields one error item per input', async () => {
		harness = newHarness('evil.test');
		const { items } = await run('checkfrontApi', { resource: 'account', operation: 'ping' }, { continueOnFail: true, items: [{}, {}] });
		expect(json(items)).toEqual([
			expect.objectContaining({ error: expect.stringMatching(/not a Checkfront host/) }),
			expect.objectContaining({ error: expect.stringMatching(/not a Checkfront host/) }),
		]);
		expect(sim.server.requests).toHaveLength(0);
	});

	it('wrong API secret: clear 401 advice, no secret in the error', async () => {
		harness.addCredential('token', 'checkfrontApi', { host: sim.server.url, apiKey: sim.apiKey, apiSecret: `${sim.apiSecret}-wrong` });
		const { error } = await run('checkfrontApi', { resource: 'account', operation: 'ping' });
		expect(error?.message).toBe('Checkfront error 401: Invalid API key or secret');
		expect(error?.description).toMatch(/Manage > Developer/);
		expect(JSON.stringify(error)).not.toContain(`${sim.apiSecret}-wrong`);
		expectNoSecret(error);
	});

	it('outputs of every list carry no credential material', async () => {
		for (const auth of AUTHS) {
			const { items } = await run(auth, { resource: 'booking', operation: 'getAll', limit: 10 });
			expectNoSecret(items);
		}
	});
});
