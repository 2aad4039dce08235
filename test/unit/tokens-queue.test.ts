import type { IAdditionalCredentialOptions, ICredentialDataDecryptedObject, INode } from 'n8n-workflow';

import {
	CredentialRead,
	EXECUTION_COPY_MAX_AGE_MS,
	EXPIRY_SKEW_SECONDS,
	freshestToken,
	isRefusedToken,
	obtainToken,
	resetTokenState,
	tokenExchangeError,
	tokenFieldsOf,
	withStoredToken,
} from '../../nodes/shared/tokens';
import type { CachedToken } from '../../nodes/shared/tokens';

/**
 * withStoredToken: the request layer's part of cross-process token coordination (n8n queue mode).
 * The "store" is what n8n's credential store would hand ctx.getCredentials; a sibling process is
 * simulated by writing to it between attempts.
 */

const node = { name: 'n', type: 't', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { tokApi: { id: 'c1', name: 'c' } } } as unknown as INode;
const future = new Date(Date.now() + 3600e3).toISOString();
const unauthorised = () => Object.assign(new Error('401'), { response: { status: 401, headers: {}, data: {} } });
const noWait = async () => undefined;

function rig(initial: ICredentialDataDecryptedObject) {
	const store = { data: { ...initial } };
	const ctx = { getNode: () => node, getCredentials: async () => ({ ...store.data }) };
	const sent: Array<IAdditionalCredentialOptions | undefined> = [];
	return { store, ctx, sent };
}

const tokenOf = (options: IAdditionalCredentialOptions | undefined) => String(options?.credentialsDecrypted?.data?.accessToken);

beforeEach(() => resetTokenState());

describe('withStoredToken', () => {
	it('sends the stored credential with n8n-core’s own 401 retry switched off', async () => {
		const { ctx, sent } = rig({ accessToken: 'T1', accessTokenExpiresAt: future });
		await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => sent.push(options), noWait);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ preAuthenticationRetryStatusCode: [], credentialsDecrypted: { id: 'c1', type: 'tokApi', data: { accessToken: 'T1' } } });
	});

	it('on a 401 adopts the token a sibling process stored meanwhile, without renewing', async () => {
		const { ctx, store, sent } = rig({ accessToken: 'T1', accessTokenExpiresAt: future });
		const result = await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => {
			sent.push(options);
			if (tokenOf(options) === 'T1') {
				store.data.accessToken = 'T2'; // a sibling minted and stored while our request was on the wire
				throw unauthorised();
			}
			return 'ok';
		}, noWait);
		expect(result).toBe('ok');
		expect(sent.map(tokenOf)).toEqual(['T1', 'T2']);
		expect(isRefusedToken('T1')).toBe(true);
	});

	it('waits once for a sibling’s write before renewing; renews (token emptied) when none lands', async () => {
		const { ctx, sent } = rig({ accessToken: 'T1', accessTokenExpiresAt: future });
		const waits: number[] = [];
		const result = await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => {
			sent.push(options);
			if (tokenOf(options) === 'T1') throw unauthorised();
			return 'ok';
		}, async (ms) => void waits.push(ms));
		expect(result).toBe('ok');
		expect(sent.map(tokenOf)).toEqual(['T1', '']);
		expect(waits).toHaveLength(1);
	});

	it('adopts a token that lands during the wait', async () => {
		const { ctx, store, sent } = rig({ accessToken: 'T1', accessTokenExpiresAt: future });
		await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => {
			sent.push(options);
			if (tokenOf(options) === 'T1') throw unauthorised();
		}, async () => {
			store.data.accessToken = 'T3';
		});
		expect(sent.map(tokenOf)).toEqual(['T1', 'T3']);
	});

	it('renews before sending a stored token known to be expired', async () => {
		const { ctx, sent } = rig({ accessToken: 'old', accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() });
		await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => void sent.push(options), noWait);
		expect(sent.map(tokenOf)).toEqual(['']);
	});

	it('a provider that refuses every token: two renewals, then later calls report the 401 without renewing', async () => {
		const { ctx, sent } = rig({ accessToken: 'T1', accessTokenExpiresAt: future });
		const refuseAll = async (options: Parameters<typeof tokenOf>[0]) => {
			sent.push(options);
			throw unauthorised();
		};
		await expect(withStoredToken(ctx, 'tokApi', undefined, { refusedRenewalsLimit: 2 }, refuseAll, noWait)).rejects.toThrow('401');
		// the stored token, then renewed ones (empty field: n8n runs preAuthentication); two refused -> stop
		expect(sent.map(tokenOf)).toEqual(['T1', '', '']);
		await expect(withStoredToken(ctx, 'tokApi', undefined, { refusedRenewalsLimit: 2 }, refuseAll, noWait)).rejects.toThrow('401');
		expect(sent.map(tokenOf)).toEqual(['T1', '', '', 'T1']);
	});

	it('without a refused-renewals limit the rounds are bounded per call only (a sibling may be on its way)', async () => {
		const { ctx, sent } = rig({ accessToken: 'T1', accessTokenExpiresAt: future });
		const refuseAll = async (options: Parameters<typeof tokenOf>[0]) => {
			sent.push(options);
			throw unauthorised();
		};
		await expect(withStoredToken(ctx, 'tokApi', undefined, undefined, refuseAll, noWait)).rejects.toThrow('401');
		expect(sent).toHaveLength(4);
	});

	it('a renewed token refused while a sibling stored a newer one: adopted, not given up', async () => {
		const { ctx, store, sent } = rig({ accessToken: 'T1', accessTokenExpiresAt: future });
		await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => {
			sent.push(options);
			if (tokenOf(options) !== 'T9') {
				if (tokenOf(options) === '') store.data.accessToken = 'T9'; // the sibling's token lands meanwhile
				throw unauthorised();
			}
		}, noWait);
		expect(sent.map(tokenOf)).toEqual(['T1', '', 'T9']);
	});

	it('passes other failures and OAuth2 calls, and credentials without a token field, through unchanged', async () => {
		const { ctx } = rig({ accessToken: 'T1' });
		await expect(withStoredToken(ctx, 'tokApi', undefined, undefined, async () => Promise.reject(new Error('boom')), noWait)).rejects.toThrow('boom');
		const oauth = { oauth2: { tokenType: 'Bearer' } };
		const seen: unknown[] = [];
		await withStoredToken(ctx, 'tokApi', oauth, undefined, async (options) => void seen.push(options), noWait);
		await withStoredToken(rig({ apiKey: 'k' }).ctx, 'tokApi', undefined, undefined, async (options) => void seen.push(options), noWait);
		await withStoredToken(ctx, 'tokApi', undefined, false, async (options) => void seen.push(options), noWait);
		// Without a token to coordinate, the credential as read is handed over as it is (n8n-core then reads it no more).
		const asRead = (data: ICredentialDataDecryptedObject) => ({ credentialsDecrypted: { id: 'c1', name: 'c', type: 'tokApi', data } });
		expect(seen).toEqual([oauth, asRead({ apiKey: 'k' }), asRead({ accessToken: 'T1' })]);
	});

	it('a store older than this process’s token is healed: the token field is emptied so n8n stores the newer one', async () => {
		const key = 'k1';
		const minted: CachedToken = { accessToken: 'NEW', accessTokenExpiresAt: new Date(Date.now() + 7200e3).toISOString(), extra: {}, mintedAt: Date.now() };
		await obtainToken(key, '', async () => minted);
		// authenticate sent the cached token in place of the stale stored one
		expect(freshestToken(key, { accessToken: 'STALE', accessTokenExpiresAt: future })).toBe('NEW');
		const { ctx, sent } = rig({ accessToken: 'STALE', accessTokenExpiresAt: future });
		await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => void sent.push(options), noWait);
		expect(sent.map(tokenOf)).toEqual(['']);
		// and preAuthentication (token emptied) hands back the cached token: nothing is minted
		let mints = 0;
		const token = await obtainToken(key, '', async () => {
			mints += 1;
			return minted;
		});
		expect({ token: token.accessToken, mints }).toEqual({ token: 'NEW', mints: 0 });
	});

	it('a refused cached token is never handed out again; renewing after it counts as holding it', async () => {
		const key = 'k2';
		let n = 0;
		const mint = async (): Promise<CachedToken> => ({ accessToken: `M${++n}`, accessTokenExpiresAt: future, extra: {}, mintedAt: Date.now() });
		await obtainToken(key, '', mint);
		const { ctx } = rig({ accessToken: 'M1', accessTokenExpiresAt: future });
		// M1 comes back 401 and no sibling stored anything: the request layer renews with the field emptied
		await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => {
			if (tokenOf(options) === 'M1') throw unauthorised();
		}, noWait);
		expect(isRefusedToken('M1')).toBe(true);
		const renewed = await obtainToken(key, '', mint);
		expect(renewed.accessToken).toBe('M2');
		expect(freshestToken(key, { accessToken: 'M1', accessTokenExpiresAt: future })).toBe('M2');
	});
});

describe('tokenFieldsOf: the token field of every credential type, from its own properties', () => {
	/* eslint-disable @typescript-eslint/no-require-imports */
	const pkg = require('../../package.json') as { n8n: { credentials: string[] } };
	it.each(pkg.n8n.credentials.map((file) => [file.replace(/^dist\/credentials\/|\.credentials\.js$/g, '')]))('%s', (name) => {
		const module = require(`../../credentials/${name}.credentials`) as Record<string, new () => { name: string; properties: never[] }>;
		const type = new module[name]();
		const expected: Record<string, unknown> = {
			fiskalyApi: { field: 'accessToken', expiresAtField: 'accessTokenExpiresAt' },
			inbentaApi: { field: 'accessToken', expiresAtField: 'accessTokenExpiresAt' },
			hubriseApi: { field: 'connectionToken', expiresAtField: '' },
			fattureInCloudDeviceCodeApi: { field: 'accessToken', expiresAtField: 'accessTokenExpiresAt' },
			fattureInCloudRefreshTokenApi: { field: 'accessToken', expiresAtField: 'accessTokenExpiresAt' },
		};
		expect(tokenFieldsOf(type.properties)).toEqual(expected[type.name] ?? false);
	});
});

describe('withStoredToken: a provider’s own plan plugs in', () => {
	it('the plan decides what is sent, on the credential as stored now; renew and a grant used elsewhere are the provider’s too', async () => {
		const { ctx, store, sent } = rig({ accessToken: 'T1', accessTokenExpiresAt: future });
		const fields = {
			plan: (stored: ICredentialDataDecryptedObject) => ({ ...stored, planned: 'yes' }),
			renew: (stored: ICredentialDataDecryptedObject, refused: string) => ({ ...stored, accessToken: '', toRenew: refused }),
		};
		await withStoredToken(ctx, 'tokApi', undefined, fields, async (options) => {
			sent.push(options);
			if (tokenOf(options) === 'T1') throw unauthorised();
		}, noWait);
		expect(sent.map((options) => options?.credentialsDecrypted?.data)).toEqual([
			{ accessToken: 'T1', accessTokenExpiresAt: future, planned: 'yes' },
			{ accessToken: '', accessTokenExpiresAt: future, toRenew: 'T1' },
		]);
		// A one-time grant a sibling exchanged first: its stored token is adopted instead of the failure.
		const used = tokenExchangeError('tokApi', { message: 'code already used', description: '', httpCode: 404 });
		store.data.accessToken = '';
		const seen: string[] = [];
		await withStoredToken(ctx, 'tokApi', undefined, { grantUsedElsewhere: (error) => String(error.httpCode) === '404' }, async (options) => {
			seen.push(tokenOf(options));
			if (tokenOf(options) === '') throw used;
		}, async () => {
			store.data.accessToken = 'SIBLING';
		});
		expect(seen).toEqual(['', 'SIBLING']);
	});

	it('a failed token exchange is not a refused token: no re-read, no wait, no renewal', async () => {
		const { ctx, sent } = rig({ accessToken: '', accessTokenExpiresAt: future });
		const waits: number[] = [];
		const wrongSecret = tokenExchangeError('tokApi', { message: 'wrong secret', description: '', httpCode: 401 });
		await expect(
			withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => {
				sent.push(options);
				throw wrongSecret;
			}, async (ms) => void waits.push(ms)),
		).rejects.toBe(wrongSecret);
		expect({ sent: sent.length, waits: waits.length }).toEqual({ sent: 1, waits: 0 });
	});
});

/**
 * The execution's copy (issue 15 (a)): the requests of one node execution share one read of the
 * credential instead of one each, and never decide on it what the store must decide.
 */
describe('withStoredToken with the execution’s copy of the credential', () => {
	function executionRig(initial: ICredentialDataDecryptedObject) {
		const store = { data: { ...initial } };
		let reads = 0;
		const ctx = { getNode: () => node, getCredentials: async () => (reads++, { ...store.data }) };
		const sent: string[] = [];
		/** One request of the execution; `answer` may write a token into the object (as n8n-core does after preAuthentication). */
		const request = async (answer: (data: ICredentialDataDecryptedObject) => void = () => undefined) =>
			await withStoredToken(ctx, 'tokApi', undefined, undefined, async (options) => {
				const data = options?.credentialsDecrypted?.data as ICredentialDataDecryptedObject;
				sent.push(String(data.accessToken));
				answer(data);
			}, noWait, new CredentialRead(ctx, 'tokApi', true));
		return { store, ctx, sent, request, reads: () => reads };
	}
	const mint = (token: string) => (data: ICredentialDataDecryptedObject) => {
		if (data.accessToken === '') Object.assign(data, { accessToken: token, accessTokenExpiresAt: future });
	};

	it('one read serves every request of the execution', async () => {
		const { request, reads, sent } = executionRig({ accessToken: 'T1', accessTokenExpiresAt: future });
		for (let i = 0; i < 5; i++) await request();
		expect({ reads: reads(), sent }).toEqual({ reads: 1, sent: ['T1', 'T1', 'T1', 'T1', 'T1'] });
	});

	it('a token minted during the execution is what the next requests send (not a second mint)', async () => {
		const { request, sent, reads } = executionRig({ accessToken: '', accessTokenExpiresAt: '' });
		await request(mint('M1'));
		await request(mint('M2'));
		await request(mint('M3'));
		expect(sent).toEqual(['', 'M1', 'M1']);
		// The copy was empty once: the store decided (read) before the only mint; after it the copy serves.
		expect(reads()).toBe(1);
	});

	it('a copy whose token expired is not renewed: the store is read first and a sibling’s token adopted', async () => {
		const now = Date.now();
		// A token that is still good for the first request and due for renewal a few seconds later (within the copy's age bound).
		const soon = new Date(now + (EXPIRY_SKEW_SECONDS + 5) * 1000).toISOString();
		const { request, store, sent, reads } = executionRig({ accessToken: 'T1', accessTokenExpiresAt: soon });
		await request();
		// Both the copy's and the store's token are due; a sibling renewed and stored T2 meanwhile.
		jest.spyOn(Date, 'now').mockReturnValue(now + 10_000);
		try {
			store.data = { accessToken: 'T2', accessTokenExpiresAt: future };
			await request(mint('MINTED'));
		} finally {
			jest.restoreAllMocks();
		}
		expect(sent).toEqual(['T1', 'T2']);
		expect(reads()).toBe(2);
	});

	it('a copy without a token field (saved before the field existed) lets the store decide', async () => {
		const { request, store, sent } = executionRig({});
		await request();
		store.data = { accessToken: 'T2', accessTokenExpiresAt: future };
		await request();
		expect(sent).toEqual(['undefined', 'T2']);
	});

	it('a 401 on the copy’s token reads the store and adopts a sibling’s token', async () => {
		const { request, store, sent } = executionRig({ accessToken: 'T1', accessTokenExpiresAt: future });
		await request();
		store.data.accessToken = 'T2';
		await request((data) => {
			if (data.accessToken === 'T1') throw unauthorised();
		});
		expect(sent).toEqual(['T1', 'T1', 'T2']);
	});

	it('a failed request drops the copy: the next request of the execution reads the store (Fatture in Cloud re-sends after adopting a sibling’s refresh token)', async () => {
		const { request, store, sent, reads } = executionRig({ accessToken: 'T1', accessTokenExpiresAt: future });
		await request();
		await expect(
			request(() => {
				throw Object.assign(new Error('invalid_grant'), { response: { status: 400, headers: {}, data: {} } });
			}),
		).rejects.toThrow('invalid_grant');
		store.data.accessToken = 'T2'; // a sibling's renewal, stored after the failure
		await request();
		expect(sent).toEqual(['T1', 'T1', 'T2']);
		expect(reads()).toBe(2);
	});

	it('a copy older than the bound is read again', async () => {
		const { request, reads, store, sent } = executionRig({ accessToken: 'T1', accessTokenExpiresAt: future });
		await request();
		store.data.accessToken = 'T2';
		const now = Date.now();
		jest.spyOn(Date, 'now').mockReturnValue(now + EXECUTION_COPY_MAX_AGE_MS + 1);
		try {
			await request();
		} finally {
			jest.restoreAllMocks();
		}
		expect({ reads: reads(), sent }).toEqual({ reads: 2, sent: ['T1', 'T2'] });
	});

	it('another execution (another context) does not see this one’s copy', async () => {
		const first = executionRig({ accessToken: 'T1', accessTokenExpiresAt: future });
		await first.request();
		const second = executionRig({ accessToken: 'T1', accessTokenExpiresAt: future });
		await second.request();
		expect([first.reads(), second.reads()]).toEqual([1, 1]);
	});
});
