import { ClientOAuth2 } from '@n8n/client-oauth2';
import type { IDataObject } from 'n8n-workflow';

import { bearerOf } from '../../simulators/framework';
import { addCredential, apiRequests, json, leaksIn, rig, run, sim } from './setup';

/** The OAuth2 (authorization code) and manual-token credentials: success, expiry, and every failure's words. */

const invoices = { resource: 'issuedDocument', operation: 'getAll', type: 'invoice', limit: 5 };

describe('manual token (fattureInCloudApi)', () => {
	it('a token-requiring call succeeds with the token as Bearer', async () => {
		const result = await run('fattureInCloudApi', invoices);
		expect(result.error).toBeUndefined();
		expect(json(result.items).map((invoice) => invoice.id)).toEqual([1, 2, 3, 4, 5]);
		const token = String(rig.harness.store.read('fattureInCloudApi').accessToken);
		expect(apiRequests().every((request) => bearerOf(request) === token)).toBe(true);
		expect(leaksIn(result)).toEqual([]);
	});

	it('a revoked token says the token was revoked', async () => {
		sim.revoke(String(rig.harness.store.read('fattureInCloudApi').accessToken));
		const result = await run('fattureInCloudApi', invoices);
		expect(result.error?.message).toBe('Fatture in Cloud: the token was revoked (HTTP 401)');
		expect(result.error?.description).toMatch(/Create a new one in Fatture in Cloud/);
		expect(leaksIn(result)).toEqual([]);
	});

	it('a token without the scope names the scope the operation needs', async () => {
		addCredential(rig.harness, 'fattureInCloudApi', ['entity.clients:r']);
		const result = await run('fattureInCloudApi', invoices);
		expect(result.error?.message).toBe('Fatture in Cloud: the token lacks scope issued_documents.invoices:r needed by this operation (listIssuedDocuments)');
		expect(result.error?.description).toMatch(/manual token .* issued_documents\.invoices:r ticked/);
		const quotes = await run('fattureInCloudApi', { ...invoices, type: 'quote' });
		expect(quotes.error?.message).toMatch(/lacks scope issued_documents\.quotes:r needed/);
		expect(leaksIn(result)).toEqual([]);
	});

	it('a Custom API Call refused for scope names the scope from the spec table', async () => {
		addCredential(rig.harness, 'fattureInCloudApi', ['issued_documents.invoices:r']);
		const result = await run('fattureInCloudApi', { resource: 'customApiCall', operation: 'call', method: 'POST', path: '/c/12345/entities/clients', jsonBody: '{"data":{"name":"x"}}' });
		expect(result.error?.message).toBe('Fatture in Cloud: the token lacks scope entity.clients:a needed by this operation (createClient)');
	});

	it('validation results are listed field by field', async () => {
		const result = await run('fattureInCloudApi', {
			resource: 'customApiCall',
			operation: 'call',
			method: 'POST',
			path: '/c/12345/entities/clients',
			jsonBody: '{"data":{"vat_number":"12"}}',
		});
		expect(result.error?.message).toBe('Fatture in Cloud error 422 (VALIDATION_ERROR): The given data was invalid.');
		expect(result.error?.description).toMatch(/Problems: data\.name: The name field is required\.; data\.vat_number: The vat number must be 11 digits\./);
	});
});

describe('OAuth2 authorization code (fattureInCloudOAuth2Api)', () => {
	it('an expired access token is refreshed by n8n on the 401 and the returned refresh token stored', async () => {
		const before = rig.harness.store.read('fattureInCloudOAuth2Api').oauthTokenData as IDataObject;
		sim.expireAccessTokens();
		const result = await run('fattureInCloudOAuth2Api', invoices);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5);
		const refreshes = sim.refreshRequests();
		expect(refreshes).toHaveLength(1);
		expect(refreshes[0].body).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refresh_token, client_id: sim.clientId, client_secret: sim.clientSecret });
		const after = rig.harness.store.read('fattureInCloudOAuth2Api').oauthTokenData as IDataObject;
		expect(after.refresh_token).not.toBe(before.refresh_token);
		expect(sim.refreshTokens.get(String(after.refresh_token))?.live).toBe(true);
		expect(leaksIn(result)).toEqual([]);
	});

	it('a revoked refresh token ends in "reconnect the credential", never a raw invalid_grant', async () => {
		const token = rig.harness.store.read('fattureInCloudOAuth2Api').oauthTokenData as IDataObject;
		sim.revoke(String(token.refresh_token));
		sim.expireAccessTokens();
		const result = await run('fattureInCloudOAuth2Api', invoices);
		expect(result.error?.message).toBe('Fatture in Cloud: the OAuth2 connection has expired or was revoked; reconnect the credential');
		expect(`${result.error?.message} ${result.error?.description}`).not.toMatch(/invalid_grant|authorization grant/);
		expect(leaksIn(result)).toEqual([]);
	});

	it('a refresh token unused for a year ends in the same message', async () => {
		sim.advance(366 * 24 * 3600);
		const result = await run('fattureInCloudOAuth2Api', invoices);
		expect(sim.refreshRequests()).toHaveLength(1);
		expect(result.error?.message).toMatch(/reconnect the credential/);
	});

	it('a missing scope is named, with the advice to add it and connect again', async () => {
		addCredential(rig.harness, 'fattureInCloudOAuth2Api', ['entity.clients:r']);
		const result = await run('fattureInCloudOAuth2Api', invoices);
		expect(result.error?.message).toMatch(/the token lacks scope issued_documents\.invoices:r needed by this operation/);
		expect(result.error?.description).toMatch(/Add issued_documents\.invoices:r to the credential's permissions and connect again/);
	});

	it('connect: the authorize URL carries the picked scopes (least privilege by default); the code is exchanged with the secret in the body', async () => {
		await run('fattureInCloudApi', { resource: 'user', operation: 'getInfo' }); // expressions resolve against a workflow
		rig.harness.addCredential('fresh', 'fattureInCloudOAuth2Api', { clientId: sim.clientId, clientSecret: sim.clientSecret, baseUrlOverride: sim.server.url });
		const data = await rig.harness.credentialsHelper.getDecrypted({} as never, { id: 'fresh', name: 'fresh' }, 'fattureInCloudOAuth2Api');
		expect(data).toMatchObject({
			authUrl: `${sim.server.url}/oauth/authorize`,
			accessTokenUrl: `${sim.server.url}/oauth/token`,
			scope: 'entity.clients:r issued_documents.invoices:r',
			authentication: 'body',
			grantType: 'authorizationCode',
		});
		const redirectUri = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
		const client = new ClientOAuth2({
			clientId: String(data.clientId),
			clientSecret: String(data.clientSecret),
			authorizationUri: String(data.authUrl),
			accessTokenUri: String(data.accessTokenUrl),
			redirectUri,
			scopes: String(data.scope).split(' '),
			scopesSeparator: ' ',
		});
		const authorize = await fetch(client.code.getUri({ state: 'st' }), { redirect: 'manual' });
		expect(authorize.status).toBe(302);
		// What n8n's OAuth2 callback does for `authentication: body`: client id and secret in the form body.
		const token = await client.code.getToken(String(authorize.headers.get('location')), { body: { client_id: sim.clientId, client_secret: sim.clientSecret } });
		const exchange = sim.server.requestsTo('POST', '/oauth/token')[0];
		expect(exchange.body).toMatchObject({ grant_type: 'authorization_code', client_id: sim.clientId, client_secret: sim.clientSecret, redirect_uri: redirectUri });
		expect(token.data).toMatchObject({ token_type: 'bearer', expires_in: 86400 });
		expect(sim.accessTokens.get(String(token.data.access_token))?.scopes).toEqual(new Set(['entity.clients:r', 'issued_documents.invoices:r']));
	});

	it('custom scopes replace the picker; without an override the URLs are Fatture in Cloud\'s own', async () => {
		await run('fattureInCloudApi', { resource: 'user', operation: 'getInfo' });
		rig.harness.addCredential('custom', 'fattureInCloudOAuth2Api', { clientId: 'x', clientSecret: 'y', customScopes: true, enabledScopes: ' settings:a   situation:r ' });
		const data = await rig.harness.credentialsHelper.getDecrypted({} as never, { id: 'custom', name: 'custom' }, 'fattureInCloudOAuth2Api');
		expect(data).toMatchObject({ scope: 'settings:a situation:r', authUrl: 'https://api-v2.fattureincloud.it/oauth/authorize', accessTokenUrl: 'https://api-v2.fattureincloud.it/oauth/token' });
		rig.harness.addCredential('bad', 'fattureInCloudOAuth2Api', { clientId: 'x', clientSecret: 'y', baseUrlOverride: 'https://evil.example' });
		const bad = await rig.harness.credentialsHelper.getDecrypted({} as never, { id: 'bad', name: 'bad' }, 'fattureInCloudOAuth2Api');
		expect(String(bad.accessTokenUrl)).toMatch(/^invalid-fattureincloud-override:/);
	});
});

describe('credential tests ("Test" button)', () => {
	it.each(['fattureInCloudOAuth2Api', 'fattureInCloudApi', 'fattureInCloudDeviceCodeApi', 'fattureInCloudRefreshTokenApi'] as const)('%s passes against GET /user/info', async (auth) => {
		await run('fattureInCloudApi', { resource: 'user', operation: 'getInfo' });
		sim.server.clearLog();
		expect(await rig.harness.testCredential(auth, auth)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sim.server.requestsTo('GET', '/user/info').length).toBeGreaterThan(0);
	});

	it('a revoked manual token fails the test', async () => {
		await run('fattureInCloudApi', { resource: 'user', operation: 'getInfo' });
		sim.revoke(String(rig.harness.store.read('fattureInCloudApi').accessToken));
		expect((await rig.harness.testCredential('fattureInCloudApi', 'fattureInCloudApi')).status).toBe('Error');
	});
});

describe('quota and throttling (every credential)', () => {
	it('429 with Retry-After is retried and the run succeeds', async () => {
		sim.server.inject({ kind: 'status', status: 429, headers: { 'Retry-After': '1' }, json: { error: { message: 'Too Many Requests', code: 'TOO_MANY_REQUESTS' } } }, { times: 1, match: (request) => request.path === '/user/info' });
		const result = await run('fattureInCloudApi', { resource: 'user', operation: 'getInfo' });
		expect(result.error).toBeUndefined();
		expect(sim.server.requestsTo('GET', '/user/info')).toHaveLength(2);
	});

	it('the quota 403 with Retry-After is retried (bounded), then succeeds once the quota is back', async () => {
		sim.exhaustQuota(1);
		setTimeout(() => sim.restoreQuota(), 1500);
		const result = await run('fattureInCloudRefreshTokenApi', { resource: 'user', operation: 'getInfo' });
		expect(result.error).toBeUndefined();
		expect(sim.server.requestsTo('GET', '/user/info').length).toBeGreaterThanOrEqual(2);
	});

	it('a quota that stays spent ends in a quota error, not a scope error', async () => {
		sim.exhaustQuota(3600);
		const result = await run('fattureInCloudApi', { resource: 'user', operation: 'getInfo' });
		expect(result.error?.message).toMatch(/Fatture in Cloud error 403 \(QUOTA_EXCEEDED\): Hourly quota exceeded/);
		expect(result.error?.description).toMatch(/beyond the retry budget/);
		expect(sim.server.requestsTo('GET', '/user/info')).toHaveLength(1);
	});

	it('low remaining quota is shown as an execution hint', async () => {
		sim.hourlyRemaining = 42;
		const result = await run('fattureInCloudApi', { resource: 'user', operation: 'getInfo' });
		expect(result.error).toBeUndefined();
		const hints = JSON.stringify(result.run.data.resultData.runData['Under Test'][0].hints ?? []);
		expect(hints).toMatch(/hourly 41 of 1000 requests left/);
	});
});
