import { NodeApiError, Workflow } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode, INodeTypes } from 'n8n-workflow';

import { FiskalyApi } from '../../credentials/FiskalyApi.credentials';
import { FISKALY_FAMILIES, fiskalySettings, parseTokenResponse } from '../../nodes/Fiskaly/auth';
import type { FiskalyFamily } from '../../nodes/Fiskaly/auth';
import { toNodeApiError } from '../../nodes/shared/errors';
import { offsetLimit, itemsAt } from '../../nodes/shared/paginate';
import { loopbackBaseUrl } from '../../nodes/shared/request';
import {
	freshestToken,
	obtainToken,
	refreshExpiredToken,
	REFUSAL_MEMORY_MS,
	rememberToken,
	resetTokenState,
	tokenExchangeError,
} from '../../nodes/shared/tokens';

const KEY = 'unit-key-0001';
const SECRET = 'unit-secret-very-private';
const hour = 3600_000;

beforeEach(() => resetTokenState());

describe('parseTokenResponse', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');

	it('reads the flat /auth shape (epoch seconds or "expires in")', () => {
		expect(
			parseTokenResponse(
				{ access_token: 'a1', access_token_expires_at: now / 1000 + 86_400, refresh_token: 'r1', refresh_token_expires_in: 172_800 },
				now,
			),
		).toEqual({
			accessToken: 'a1',
			accessTokenExpiresAt: '2026-01-02T00:00:00.000Z',
			extra: { refreshToken: 'r1', refreshTokenExpiresAt: '2026-01-03T00:00:00.000Z' },
		});
	});

	it('reads the SIGN ES content envelope', () => {
		const parsed = parseTokenResponse(
			{ content: { access_token: { bearer: 'a2', expires_in: 86_400 }, refresh_token: { bearer: 'r2', expires_at: '2026-01-03T00:00:00Z' } } },
			now,
		);
		expect(parsed).toEqual({
			accessToken: 'a2',
			accessTokenExpiresAt: '2026-01-02T00:00:00.000Z',
			extra: { refreshToken: 'r2', refreshTokenExpiresAt: '2026-01-03T00:00:00.000Z' },
		});
	});

	it('reads the unified content.authentication shape, without refresh token', () => {
		const parsed = parseTokenResponse(
			JSON.stringify({ content: { authentication: { type: 'JWT', bearer: 'a3', expires_at: '2026-01-02T00:00:00Z', issued_at: '2026-01-01T00:00:00Z' } } }),
			now,
		);
		expect(parsed).toEqual({ accessToken: 'a3', accessTokenExpiresAt: '2026-01-02T00:00:00.000Z', extra: { refreshToken: '', refreshTokenExpiresAt: '' } });
	});

	it('returns undefined when there is no token', () => {
		expect(parseTokenResponse({ content: {} })).toBeUndefined();
		expect(parseTokenResponse('<html>')).toBeUndefined();
		expect(parseTokenResponse({ access_token: '' })).toBeUndefined();
	});
});

describe('hosts and the loopback override', () => {
	it.each([
		['signDe', 'test', 'https://kassensichv-middleware.fiskaly.com/api/v2', '/auth'],
		['signAt', 'live', 'https://rksv.fiskaly.com/api/v1', '/auth'],
		['dsfinvk', 'test', 'https://dsfinvk.fiskaly.com/api/v1', '/auth'],
		['eReceipt', 'test', 'https://receipt.fiskaly.com/api/v1', '/auth'],
		['management', 'test', 'https://dashboard.fiskaly.com/api/v0', '/auth'],
		['signEs', 'test', 'https://test.es.sign.fiskaly.com/api/v1', '/auth'],
		['signEs', 'live', 'https://live.es.sign.fiskaly.com/api/v1', '/auth'],
		['unified', 'test', 'https://test.api.fiskaly.com', '/tokens'],
		['unified', 'live', 'https://live.api.fiskaly.com', '/tokens'],
	])('%s (%s) uses %s', (family, environment, baseUrl, tokenPath) => {
		const settings = fiskalySettings({ family, environment, apiKey: KEY, apiSecret: SECRET });
		expect(settings).toMatchObject({ baseUrl, tokenUrl: `${baseUrl}${tokenPath}` });
	});

	it.each([
		['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
		['http://localhost:3000/', 'http://localhost:3000'],
		['http://[::1]:9000/proxy/', 'http://[::1]:9000/proxy'],
	])('accepts the loopback URL %s', (input, expected) => {
		expect(loopbackBaseUrl(input)).toEqual({ url: expected });
		expect(fiskalySettings({ family: 'signDe', baseUrlOverride: input })).toMatchObject({ baseUrl: `${expected}/api/v2` });
	});

	it.each([
		'https://kassensichv-middleware.fiskaly.com',
		'http://127.0.0.2:8080',
		'http://127.0.0.1.nip.io:8080',
		'http://localhost.evil.example',
		'http://admin:pw@localhost:1',
		'http://127.0.0.1:1/?next=https://evil.example',
		'ftp://127.0.0.1:21',
		'not a url',
		'http://127.0.0.1:1/?token=sup3r-s3cret-value',
		'http://svc:pa55word-value@localhost:1',
	])('refuses %s with a message that says what is accepted', (input) => {
		const checked = loopbackBaseUrl(input);
		expect('refused' in checked && checked.refused).toMatch(/accepts only a loopback address \(http:\/\/127\.0\.0\.1:PORT/);
		expect('refused' in checked && checked.refused).not.toMatch(/s3cret|pa55word/);
		expect(fiskalySettings({ family: 'signDe', baseUrlOverride: input })).toHaveProperty('refused');
	});

	it('the credential test request resolves to each family\'s read endpoint, honouring environment and override', () => {
		const nodeTypes = { getByName: () => ({}), getByNameAndVersion: () => ({}), getKnownTypes: () => ({}) } as unknown as INodeTypes;
		const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes });
		const node = { name: 'test', type: 'mock', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
		const request = new FiskalyApi().test.request;
		const resolve = (value: unknown, credentials: ICredentialDataDecryptedObject) =>
			workflow.expression.getSimpleParameterValue(node, value as string, 'internal', { $credentials: credentials } as never);
		for (const family of Object.keys(FISKALY_FAMILIES) as FiskalyFamily[]) {
			for (const environment of ['test', 'live']) {
				const credentials = { family, environment, baseUrlOverride: '' };
				const settings = fiskalySettings(credentials) as { baseUrl: string };
				expect(`${String(resolve(request.baseURL, credentials))}${String(resolve(request.url, credentials))}`).toBe(
					`${settings.baseUrl}${FISKALY_FAMILIES[family].testPath}`,
				);
			}
		}
		expect(resolve(request.baseURL, { family: 'unified', baseUrlOverride: 'http://127.0.0.1:9' })).toBe('http://127.0.0.1:9');
	});
});

/** A fake `this.helpers.httpRequest` that answers from a script and records what it was sent. */
function fakeHelpers(answers: Array<(options: IHttpRequestOptions) => unknown>) {
	const sent: IHttpRequestOptions[] = [];
	const helpers = {
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				sent.push(options);
				const answer = answers.shift();
				if (!answer) throw new Error('unexpected request');
				return answer(options);
			},
		},
	};
	return { helpers, sent };
}

const refused = (status: number, code: string, message: string) => () => {
	throw Object.assign(new Error(`Request failed with status code ${status}`), {
		response: { status, headers: {}, data: { status_code: status, error: 'Unauthorized', code, message } },
	});
};

const flatToken = (token: string) => () => ({ access_token: token, access_token_expires_in: 86_400, refresh_token: `${token}-r`, refresh_token_expires_in: 172_800 });

describe('preAuthentication strategy', () => {
	const credential = new FiskalyApi();
	const base = { family: 'signDe', apiKey: KEY, apiSecret: SECRET, baseUrlOverride: 'http://127.0.0.1:1', accessToken: 'old' };
	const future = new Date(Date.now() + 40 * hour).toISOString();

	it('uses a valid refresh token first', async () => {
		const { helpers, sent } = fakeHelpers([flatToken('new')]);
		const out = await credential.preAuthentication.call(helpers as never, { ...base, refreshToken: 'rt', refreshTokenExpiresAt: future });
		expect(sent.map((options) => options.body)).toEqual([{ refresh_token: 'rt' }]);
		expect(sent[0].url).toBe('http://127.0.0.1:1/api/v2/auth');
		expect(out).toMatchObject({ accessToken: 'new', refreshToken: 'new-r' });
	});

	it('skips a refresh token known to be expired', async () => {
		const { helpers, sent } = fakeHelpers([flatToken('new')]);
		await credential.preAuthentication.call(helpers as never, {
			...base,
			refreshToken: 'rt',
			refreshTokenExpiresAt: new Date(Date.now() - hour).toISOString(),
		});
		expect(sent.map((options) => options.body)).toEqual([{ api_key: KEY, api_secret: SECRET }]);
	});

	it('falls back to key and secret once when the refresh is refused', async () => {
		const { helpers, sent } = fakeHelpers([refused(401, 'E_INVALID_REFRESH_TOKEN', 'expired'), flatToken('new')]);
		const out = await credential.preAuthentication.call(helpers as never, { ...base, refreshToken: 'rt', refreshTokenExpiresAt: future });
		expect(sent.map((options) => Object.keys(options.body as object))).toEqual([['refresh_token'], ['api_key', 'api_secret']]);
		expect(out.accessToken).toBe('new');
	});

	it('names the cause, without any secret, when both are refused', async () => {
		const { helpers } = fakeHelpers([
			refused(401, 'E_INVALID_REFRESH_TOKEN', 'expired'),
			refused(401, 'E_UNAUTHORIZED', `key ${KEY} or secret ${SECRET} invalid`),
		]);
		const error = (await credential
			.preAuthentication.call(helpers as never, { ...base, refreshToken: 'rt-secret-value', refreshTokenExpiresAt: future })
			.catch((caught: unknown) => caught)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^fiskaly rejected the API key or secret: invalid key or secret for SIGN DE v2/);
		expect(error.description).toMatch(/refresh token was refused too \(HTTP 401\)/);
		const text = JSON.stringify({ message: error.message, description: error.description, context: error.context });
		for (const secret of [KEY, SECRET, 'rt-secret-value']) expect(text).not.toContain(secret);
		expect((error as unknown as { response?: unknown }).response).toBeUndefined(); // n8n-core must not take it for a 401
	});

	it('sends the unified body and X-Api-Version, and never tries a refresh there', async () => {
		const { helpers, sent } = fakeHelpers([() => ({ content: { authentication: { bearer: 'u1', expires_at: future } } })]);
		await credential.preAuthentication.call(helpers as never, {
			family: 'unified',
			environment: 'live',
			apiKey: KEY,
			apiSecret: SECRET,
			apiVersion: '2025-08-12',
			accessToken: '',
			refreshToken: 'ignored',
			refreshTokenExpiresAt: future,
		});
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			url: 'https://live.api.fiskaly.com/tokens',
			body: { content: { type: 'API_KEY', key: KEY, secret: SECRET } },
			headers: { 'X-Api-Version': '2025-08-12' },
		});
	});

	it('8 concurrent calls mint once (single flight)', async () => {
		let release: () => void = () => undefined;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const { helpers, sent } = fakeHelpers([async () => (await gate, flatToken('one')())]);
		const calls = Array.from({ length: 8 }, async () => await credential.preAuthentication.call(helpers as never, { ...base }));
		release();
		const outputs = await Promise.all(calls);
		expect(sent).toHaveLength(1);
		expect(new Set(outputs.map((out) => out.accessToken))).toEqual(new Set(['one']));
	});

	it('refuses a non-loopback override before sending anything', async () => {
		const { helpers, sent } = fakeHelpers([]);
		await expect(
			credential.preAuthentication.call(helpers as never, { ...base, baseUrlOverride: 'https://evil.example' }),
		).rejects.toThrow(/accepts only a loopback address/);
		expect(sent).toHaveLength(0);
	});
});

describe('authenticate', () => {
	const credential = new FiskalyApi();

	it('adds Bearer, and for the unified API X-Api-Version and X-Scope-Identifier', async () => {
		const options = await credential.authenticate(
			{ family: 'unified', apiKey: KEY, apiSecret: SECRET, accessToken: 'tok', organizationUnitId: 'ou-1' },
			{ url: '/x', headers: { Accept: 'application/json' } },
		);
		expect(options.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer tok', 'X-Api-Version': '2026-05-04', 'X-Scope-Identifier': 'ou-1' });
		const flat = await credential.authenticate({ family: 'signDe', apiKey: KEY, apiSecret: SECRET, accessToken: 'tok' }, { url: '/x' });
		expect(flat.headers).toEqual({ Authorization: 'Bearer tok' });
	});

	it('prefers a newer token this process minted over an older stored one, but not an older one', async () => {
		const credentials = { family: 'signDe', apiKey: KEY, apiSecret: SECRET };
		const key = (fiskalySettings(credentials) as { cacheKey: string }).cacheKey;
		rememberToken(key, { accessToken: 'newer', accessTokenExpiresAt: new Date(Date.now() + 24 * hour).toISOString(), extra: {}, mintedAt: Date.now() });
		const older = await credential.authenticate(
			{ ...credentials, accessToken: 'stored', accessTokenExpiresAt: new Date(Date.now() + 2 * hour).toISOString() },
			{ url: '/x' },
		);
		expect(older.headers?.Authorization).toBe('Bearer newer');
		const newer = await credential.authenticate(
			{ ...credentials, accessToken: 'stored', accessTokenExpiresAt: new Date(Date.now() + 30 * hour).toISOString() },
			{ url: '/x' },
		);
		expect(newer.headers?.Authorization).toBe('Bearer stored');
	});
});

describe('shared token helpers', () => {
	const token = (accessToken: string, hours: number) => ({
		accessToken,
		accessTokenExpiresAt: new Date(Date.now() + hours * hour).toISOString(),
		extra: {},
		mintedAt: Date.now(),
	});

	it('obtainToken takes a sibling\'s token only when it is not older than the held one', async () => {
		rememberToken('k', token('sibling', 10));
		let minted = 0;
		const mint = async () => (minted++, token('minted', 24));
		expect((await obtainToken('k', { accessToken: 'held', accessTokenExpiresAt: token('', 5).accessTokenExpiresAt }, mint)).accessToken).toBe('sibling');
		expect(minted).toBe(0);
		expect((await obtainToken('k', { accessToken: 'held', accessTokenExpiresAt: token('', 20).accessTokenExpiresAt }, mint)).accessToken).toBe('minted');
		expect(minted).toBe(1);
		expect(freshestToken('k', { accessToken: 'x', accessTokenExpiresAt: '' })).toBe('minted');
		expect((await obtainToken('k', 'held', mint)).accessToken).toBe('minted'); // plain string still works
	});

	it('remembers a refusal (400/401/403) for REFUSAL_MEMORY_MS, but not a temporary failure', async () => {
		let clock = 1_000_000;
		const now = () => clock;
		let calls = 0;
		const refuse = (httpCode: number) => async () => {
			calls++;
			throw tokenExchangeError('x', { message: 'no', description: 'd', httpCode });
		};
		await expect(obtainToken('r', '', refuse(401), now)).rejects.toThrow('no');
		await expect(obtainToken('r', '', refuse(401), now)).rejects.toThrow('no');
		expect(calls).toBe(1);
		clock += REFUSAL_MEMORY_MS + 1;
		await expect(obtainToken('r', '', refuse(401), now)).rejects.toThrow('no');
		expect(calls).toBe(2);
		await expect(obtainToken('t', '', refuse(503), now)).rejects.toThrow('no');
		await expect(obtainToken('t', '', refuse(503), now)).rejects.toThrow('no');
		expect(calls).toBe(4);
	});

	it('refreshExpiredToken hands n8n-core a copy with the token emptied, only when it has expired', () => {
		const past = new Date(Date.now() - hour).toISOString();
		const credentials = { apiKey: KEY, accessToken: 'tok', accessTokenExpiresAt: past };
		expect(refreshExpiredToken(credentials, { id: '7', name: 'fk' }, 'fiskalyApi')).toEqual({
			credentialsDecrypted: { id: '7', name: 'fk', type: 'fiskalyApi', data: { apiKey: KEY, accessToken: '', accessTokenExpiresAt: past } },
		});
		expect(credentials.accessToken).toBe('tok');
		expect(refreshExpiredToken({ ...credentials, accessTokenExpiresAt: token('', 1).accessTokenExpiresAt }, { id: '7', name: 'fk' }, 'x')).toBeUndefined();
		expect(refreshExpiredToken({ ...credentials, accessTokenExpiresAt: '' }, { id: '7', name: 'fk' }, 'x')).toBeUndefined();
		expect(refreshExpiredToken({ ...credentials, accessToken: '' }, { id: '7', name: 'fk' }, 'x')).toBeUndefined();
		expect(refreshExpiredToken(credentials, undefined, 'x')).toBeUndefined();
	});

	it('a token-exchange error keeps its words when the request layer maps it for the real node', () => {
		const node = { id: 'n', name: 'fiskaly', type: 'fiskaly', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
		const original = tokenExchangeError('fiskalyApi', { message: `cause ${SECRET}`, description: 'what to do', httpCode: 401 });
		const mapped = toNodeApiError(node, original, { provider: 'fiskaly', secrets: [SECRET], itemIndex: 3 });
		expect(mapped.message).toBe('cause [redacted]');
		expect(mapped.description).toBe('what to do');
		expect(mapped.node).toBe(node);
		expect(mapped.httpCode).toBe('401');
		expect(mapped.context.itemIndex).toBe(3);
	});
});

describe('offsetLimit pagination', () => {
	const strategy = offsetLimit({ items: itemsAt('data') });
	it('advances by the page length and stops on a short page', () => {
		const first = strategy.first(2);
		expect(first.qs).toEqual({ limit: 2, offset: 0 });
		const full = strategy.read({ body: { data: [{ a: 1 }, { a: 2 }] }, headers: {} }, first);
		expect(full.next?.qs).toEqual({ limit: 2, offset: 2 });
		const short = strategy.read({ body: { data: [{ a: 3 }] }, headers: {} }, full.next!);
		expect(short.next).toBeUndefined();
		expect(short.items).toEqual([{ a: 3 }]);
	});
});
