import { ClientOAuth2 } from '@n8n/client-oauth2';
import type { IDataObject } from 'n8n-workflow';

import { CheckfrontApi } from '../../../credentials/CheckfrontApi.credentials';
import { basicOf, bearerOf } from '../../simulators/framework';
import { apiRequests, expectAuthApplied, expectNoSecret, json, newHarness, primeExpressions, rig, run, sim } from './setup';

describe('OAuth2 refresh with rotating refresh tokens', () => {
	it('token expiry mid-run: one refresh, the rotated pair persisted, no item lost', async () => {
		sim.reset(2500);
		rig.harness = newHarness();
		const before = rig.harness.store.read('oauth').oauthTokenData as IDataObject;
		sim.expireAccessTokensOnRequest(11); // page 11 of 25 meets an expired token
		const { items, error } = await run('checkfrontOAuth2Api', { resource: 'booking', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(json(items).map((booking) => booking.booking_id)).toEqual(Array.from({ length: 2500 }, (_, index) => index + 1));

		const refreshes = sim.refreshRequests();
		expect(refreshes).toHaveLength(1);
		// Consumer key/secret as HTTP Basic, the refresh token in the form body, nothing else.
		expect(basicOf(refreshes[0])).toEqual([sim.clientId, sim.clientSecret]);
		expect(refreshes[0].body).toEqual({ grant_type: 'refresh_token', refresh_token: before.refresh_token });

		const after = rig.harness.store.read('oauth').oauthTokenData as IDataObject;
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
		const stale = rig.harness.store.read('oauth').oauthTokenData as IDataObject;
		sim.expireAccessTokens();
		const first = await run('checkfrontOAuth2Api', { resource: 'account', operation: 'ping' });
		expect(first.error).toBeUndefined();
		// Another execution (or an n8n without refresh lock) still holds the old pair.
		rig.harness.store.update('oauth', { ...rig.harness.store.read('oauth'), oauthTokenData: stale });
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
		rig.harness.addCredential('oauth', 'checkfrontOAuth2Api', {
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
		const data = await rig.harness.credentialsHelper.getDecrypted({} as never, { id: 'oauth', name: 'oauth' }, 'checkfrontOAuth2Api');
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
		const data = await rig.harness.credentialsHelper.getDecrypted({} as never, { id: 'token', name: 'token' }, 'checkfrontApi');
		expect(data.baseUrl).toBe(`${sim.server.url}/api/3.0`);
		// n8n resolves the test request with $credentials, as the harness does for authenticate.
		const test = new CheckfrontApi().test.request;
		const node = { name: 't', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} } as never;
		const baseUrl = rig.harness.credentialsHelper.workflow?.expression.getSimpleParameterValue(node, String(test.baseURL), 'internal', {
			$credentials: data,
		} as never);
		expect(baseUrl).toBe(`${sim.server.url}/api/3.0`);
		const signed = await rig.harness.credentialsHelper.authenticate(data, 'checkfrontApi', { url: `${String(baseUrl)}${String(test.url)}` }, undefined, node);
		const auth = signed.auth as { username: string; password: string };
		const response = await fetch(signed.url, {
			headers: { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` },
		});
		expect(response.status).toBe(200);
		expect(basicOf(sim.server.requests[0])).toEqual([sim.apiKey, sim.apiSecret]);
	});
});
