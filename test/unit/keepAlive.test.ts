import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import {
	dyingWarning,
	fingerprint,
	keepAliveResource,
	refreshTokenOutlook,
	renewedAt,
	RENEWED_AT_FIELD,
	retryIfRotatedMeanwhile,
	ROTATION_GRACE,
	stampingCaller,
} from '../../nodes/shared/keepAlive';
import type { KeepAlivePolicy } from '../../nodes/shared/keepAlive';
import type { ProviderApi } from '../../nodes/shared/request';

/**
 * The keep-alive rules without n8n: the outlook arithmetic, and the two n8n 1.x races, shaped as
 * n8n-core 1.123 throws them (a raw @n8n/client-oauth2 AuthError, `code: 'EAUTH'`, body
 * `{error: 'invalid_grant'}`), since the harness runs n8n-core 2.41, which coordinates refreshes
 * itself. The real 1.x races run in test/e2e/keepAlive.e2e.test.ts.
 */

const DAY = 24 * 3600 * 1000;
const POLICY: KeepAlivePolicy = { idleLifetimeDays: 14, renewEveryDays: 7, warnDaysBefore: 5, credentialTypes: ['oauthApi'] };
const node = { id: 'n', name: 'Node', type: 't', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

function authError(): Error {
	return Object.assign(new Error('The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked...'), {
		code: 'EAUTH',
		body: { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired' },
	});
}

/** A stored credential another process may change, and a context over it. */
function fakeN8n(refreshToken: string) {
	const store = { data: { oauthTokenData: { access_token: 'at-1', refresh_token: refreshToken, expires_in: 14000 } } as ICredentialDataDecryptedObject };
	const reads: IDataObject[] = [];
	const ctx = {
		getNode: () => node,
		getCredentials: async () => {
			reads.push(store.data);
			return structuredClone(store.data);
		},
		helpers: {} as IDataObject,
		logger: { warn: jest.fn() },
	};
	const api: ProviderApi = { provider: 'Acme', credentialType: 'oauthApi', baseUrl: 'https://acme.test', secrets: [], keepAlive: POLICY };
	return { store, ctx: ctx as unknown as IExecuteFunctions & { helpers: IDataObject }, api, reads };
}

const keepAlive = async (ctx: IExecuteFunctions, api: ProviderApi) =>
	(await keepAliveResource().operations[0].execute({ ctx, api, itemIndex: 0 })) as IDataObject;

beforeAll(() => {
	ROTATION_GRACE.keepAliveMs = 300;
	ROTATION_GRACE.requestMs = 300;
	ROTATION_GRACE.pollMs = 20;
});

describe('outlook', () => {
	it('renewedAt: the stamp, n8n 2.x expiry less expires_in, the newer of both, or unknown', () => {
		expect(renewedAt({ oauthTokenData: { [RENEWED_AT_FIELD]: '1000' } })).toBe(1000);
		expect(renewedAt({ oauthTokenData: { n8n_expires_at: '50000', expires_in: 10 } })).toBe(40000);
		expect(renewedAt({ oauthTokenData: { [RENEWED_AT_FIELD]: '1000', n8n_expires_at: '50000', expires_in: 10 } })).toBe(40000);
		expect(renewedAt({ oauthTokenData: { access_token: 'a' } })).toBeUndefined();
	});

	it('warns inside the margin only, with the death date', () => {
		const now = Date.parse('2026-12-01T00:00:00Z');
		const credentials = (daysAgo: number, extra: IDataObject = {}) => ({
			oauthTokenData: { refresh_token: 'rt', [RENEWED_AT_FIELD]: String(now - daysAgo * DAY) },
			...extra,
		});
		expect(dyingWarning('Acme', POLICY, refreshTokenOutlook(credentials(8), POLICY, now))).toBeUndefined();
		expect(dyingWarning('Acme', POLICY, refreshTokenOutlook(credentials(9), POLICY, now))).toMatch(/stops working on 2026-12-06T00:00:00Z \(5 days from now\)/);
		expect(dyingWarning('Acme', POLICY, refreshTokenOutlook(credentials(13.5), POLICY, now))).toMatch(/\(less than a day from now\)/);
		expect(dyingWarning('Acme', POLICY, refreshTokenOutlook(credentials(20), POLICY, now))).toMatch(/it has probably expired already/);
		expect(dyingWarning('Acme', POLICY, refreshTokenOutlook(credentials(13, { connectionWarningDays: 0 }), POLICY, now))).toBeUndefined();
		expect(refreshTokenOutlook({ oauthTokenData: { [RENEWED_AT_FIELD]: '1' } }, POLICY, now)).toBeUndefined();
	});

	it('the stamping caller adds the time to oauthTokenData only, and only for the credential of the api', async () => {
		const { ctx, api, store } = fakeN8n('rt-1');
		const caller = stampingCaller(ctx, api, () => 4242);
		expect(((await caller.getCredentials('oauthApi')).oauthTokenData as IDataObject)[RENEWED_AT_FIELD]).toBe('4242');
		expect((store.data.oauthTokenData as IDataObject)[RENEWED_AT_FIELD]).toBeUndefined();
		expect(((await caller.getCredentials('otherApi')).oauthTokenData as IDataObject)[RENEWED_AT_FIELD]).toBeUndefined();
	});
});

describe('n8n 1.x races', () => {
	it('keep-alive refused because another execution rotated the pair meanwhile: adopts the stored pair and reports success', async () => {
		const { store, ctx, api } = fakeN8n('rt-1');
		ctx.helpers.refreshOAuth2Token = jest.fn(async () => {
			// the other execution's refresh won; its pair is stored a moment after ours is refused
			setTimeout(() => (store.data = { oauthTokenData: { access_token: 'at-2', refresh_token: 'rt-2', expires_in: 14000 } }), 50);
			throw authError();
		});
		const out = await keepAlive(ctx, api);
		expect(out).toMatchObject({ connection: 'ok', renewed: 'renewed by another execution a moment ago' });
		expect(JSON.stringify(out)).not.toMatch(/rt-|at-/);
	});

	it('keep-alive refused and the stored pair did not change: the reconnect error', async () => {
		const { ctx, api } = fakeN8n('rt-1');
		ctx.helpers.refreshOAuth2Token = jest.fn(async () => {
			throw authError();
		});
		await expect(keepAlive(ctx, api)).rejects.toMatchObject({
			message: 'Acme: the OAuth2 connection has expired or was revoked; reconnect the credential',
			description: expect.stringMatching(/The keep-alive found this before/),
		});
	});

	it('keep-alive on an n8n without refreshOAuth2Token (before 1.119) says so', async () => {
		const { ctx, api } = fakeN8n('rt-1');
		await expect(keepAlive(ctx, api)).rejects.toThrow(NodeOperationError);
		await expect(keepAlive(ctx, { ...api })).rejects.toThrow('Keep Connection Alive needs n8n 1.119 or later');
	});

	it('a request whose refresh was refused after a rotation elsewhere is sent once more; a dead pair is not', async () => {
		const { store, ctx, api } = fakeN8n('rt-1');
		let calls = 0;
		const answer = await retryIfRotatedMeanwhile(ctx, api, async () => {
			calls += 1;
			if (calls === 1) {
				store.data = { oauthTokenData: { access_token: 'at-2', refresh_token: 'rt-2' } };
				throw authError();
			}
			return 'ok';
		});
		expect([answer, calls]).toEqual(['ok', 2]);

		const dead = fakeN8n('rt-9');
		let tries = 0;
		const failing = async () => {
			tries += 1;
			throw authError();
		};
		await expect(retryIfRotatedMeanwhile(dead.ctx, dead.api, failing)).rejects.toMatchObject({ code: 'EAUTH' });
		// a second request of the same execution does not wait again for a rotation
		const started = Date.now();
		await expect(retryIfRotatedMeanwhile(dead.ctx, dead.api, failing)).rejects.toMatchObject({ code: 'EAUTH' });
		expect(Date.now() - started).toBeLessThan(ROTATION_GRACE.requestMs);
		expect(tries).toBe(2);
	});

	it('other failures are passed on untouched, and credentials without a refresh token are never re-read', async () => {
		const { ctx, api, reads } = fakeN8n('rt-1');
		const boom = new Error('HTTP 500');
		await expect(retryIfRotatedMeanwhile(ctx, api, async () => Promise.reject(boom))).rejects.toBe(boom);
		expect(reads).toHaveLength(1);
		expect(fingerprint('rt-1')).toMatch(/^[0-9a-f]{16}$/);
		expect(fingerprint('')).toBeUndefined();
	});
});

it("n8n 1.x's 401 path, where only the AuthError's message survives the wrapping, is recognised as a dead grant", async () => {
	const { oauthRefreshFailure } = await import('../../nodes/shared/failures');
	const wrapped = { message: 'Checkfront: request failed', cause: { message: authError().message } };
	expect(oauthRefreshFailure(wrapped)).toEqual({ kind: 'reconnect', code: 'invalid_grant' });
	expect(oauthRefreshFailure(new Error('something else'))).toBeUndefined();
});
