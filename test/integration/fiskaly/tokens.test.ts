import { resetTokenState } from '../../../nodes/shared/tokens';
import { FiskalySimulator } from '../../simulators/fiskaly';
import { FiskalyRig, visibleText } from './setup';

/**
 * The "Must show" for the token lifecycle, through n8n-core's real execution path: token
 * calls counted by the simulator, persisted fields read back from the harness store.
 */

const sim = new FiskalySimulator({ tssCount: 3 });
const TSS = '00000000-0000-4000-8000-000000000001';
const getTss = { resource: 'tss', operation: 'get', tssId: '={{ $json.tssId }}' };
const items = (n: number) => Array.from({ length: n }, () => ({ tssId: TSS }));

beforeAll(() => sim.start());
afterAll(() => sim.stop());
afterEach(() => {
	sim.invalidateOlderTokens = false;
	sim.keyState = 'active';
	sim.accessLifetimeSeconds = 86_400;
});

describe('fiskaly token lifecycle', () => {
	it('1,000 items in one run: exactly one token call, and every request carries that token', async () => {
		const rig = new FiskalyRig(sim);
		const result = await rig.run(getTss, { items: items(1000) });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1000);
		expect(result.items.every((item, index) => (item.pairedItem as { item: number }).item === index)).toBe(true);
		expect(result.items[999].json._id).toBe(TSS);
		expect(sim.tokenCallCount()).toBe(1);
		expect(sim.server.requestsTo('POST', '/api/v2/auth')).toHaveLength(1);
		const token = String(rig.stored().accessToken);
		const gets = sim.server.requestsTo('GET', `/api/v2/tss/${TSS}`);
		expect(gets).toHaveLength(1000);
		expect(new Set(gets.map((request) => request.headers.authorization))).toEqual(new Set([`Bearer ${token}`]));
	});

	it('a second execution (after a restart) reuses the persisted token: zero token calls', async () => {
		const rig = new FiskalyRig(sim);
		await rig.run(getTss, { items: items(2) });
		const persisted = rig.stored();
		expect(persisted.accessToken).toMatch(/^fsk_at_/);
		expect(persisted.refreshToken).toMatch(/^fsk_rt_/);
		expect(Date.parse(String(persisted.accessTokenExpiresAt)) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
		expect(Date.parse(String(persisted.refreshTokenExpiresAt)) - Date.now()).toBeGreaterThan(47.9 * 3600_000);

		resetTokenState(); // a new n8n process: nothing cached in memory, only what was persisted
		sim.tokenCalls.length = 0;
		const second = await rig.run(getTss, { items: items(5) });
		expect(second.error).toBeUndefined();
		expect(sim.tokenCallCount()).toBe(0);
		expect(sim.server.requestsTo('GET', `/api/v2/tss/${TSS}`).slice(-5).map((r) => r.headers.authorization)).toEqual(
			Array(5).fill(`Bearer ${String(persisted.accessToken)}`),
		);
	});

	it('401 mid-run: the refresh token is used once, key and secret not at all', async () => {
		const rig = new FiskalyRig(sim);
		await rig.run(getTss, { items: items(1) });
		const before = rig.stored();
		const preAuthBefore = rig.harness.credentialsHelper.preAuthCalls.filter((call) => call.ran).length;
		sim.tokenCalls.length = 0;
		sim.expireAccessTokens(); // fiskaly no longer accepts the token, though its stored expiry lies ahead
		const result = await rig.run(getTss, { items: items(4) });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(sim.tokenCalls.map((call) => `${call.grant}:${call.ok}`)).toEqual(['refresh:true']);
		const refreshCall = sim.server.requestsTo('POST', '/api/v2/auth').slice(-1)[0];
		expect(refreshCall.body).toEqual({ refresh_token: before.refreshToken });
		const after = rig.stored();
		expect(after.accessToken).not.toBe(before.accessToken);
		expect(after.refreshToken).not.toBe(before.refreshToken);
		expect(sim.unauthorisedApiCalls()).toBe(1);
		// The request layer renews after the 401 (token field emptied), not n8n-core's own retry: one preAuthentication.
		expect(rig.harness.credentialsHelper.preAuthCalls.filter((call) => call.ran && call.credentialsExpired)).toHaveLength(0);
		expect(rig.harness.credentialsHelper.preAuthCalls.filter((call) => call.ran)).toHaveLength(preAuthBefore + 1);
	});

	it('refresh rejected: key and secret are used once', async () => {
		const rig = new FiskalyRig(sim);
		await rig.run(getTss, { items: items(1) });
		sim.tokenCalls.length = 0;
		sim.expireAccessTokens();
		sim.revokeRefreshTokens();
		const result = await rig.run(getTss, { items: items(3) });
		expect(result.error).toBeUndefined();
		expect(sim.tokenCalls.map((call) => `${call.grant}:${call.ok}`)).toEqual(['refresh:false', 'key:true']);
		expect(rig.stored().accessToken).toMatch(/^fsk_at_/);
	});

	it.each([
		['disabled key', () => (sim.keyState = 'disabled'), {}, /the key is disabled/, 'E_API_KEY_DISABLED'],
		['wrong secret', () => undefined, { apiSecret: 'wrong-secret-value-123' }, /invalid key or secret/, 'E_UNAUTHORIZED'],
	])('both rejected (%s): the error names the cause and holds no secret', async (_name, arrange, fields, expected, code) => {
		const rig = new FiskalyRig(sim);
		await rig.run(getTss, { items: items(1) });
		sim.expireAccessTokens();
		sim.revokeRefreshTokens();
		arrange();
		rig.patchStored(fields);
		const stored = rig.stored();
		sim.tokenCalls.length = 0;
		const result = await rig.run(getTss, { items: items(2) });
		expect(result.error?.message).toMatch(expected);
		expect(result.error?.message).toContain(code);
		expect(result.error?.description).toMatch(/refresh token was refused too/);
		expect(sim.tokenCalls.map((call) => `${call.grant}:${call.ok}`)).toEqual(['refresh:false', 'key:false']);
		const seen = visibleText(result);
		for (const secret of [stored.apiSecret, sim.apiSecret, stored.accessToken, stored.refreshToken, stored.apiKey]) {
			expect(seen).not.toContain(String(secret));
		}
	});

	it('both rejected with Continue On Fail: one error item per input item, paired, no secret', async () => {
		const rig = new FiskalyRig(sim, 'signDe', { apiSecret: 'not-the-secret-987' });
		const result = await rig.run(getTss, { items: items(3), continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		result.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(String(item.json.error)).toMatch(/invalid key or secret/);
			expect(String(item.json.description)).toMatch(/fiskaly dashboard/);
		});
		expect(visibleText(result)).not.toContain('not-the-secret-987');
		expect(visibleText(result)).not.toContain(sim.apiKey);
		expect(sim.server.requestsTo('GET', /\/tss\//)).toHaveLength(0); // no token, no API call
		// The refusal is remembered briefly: the rejected secret was sent once, not once per item.
		expect(sim.tokenCalls.map((call) => `${call.grant}:${call.ok}`)).toEqual(['key:false']);
		// A corrected secret is another credential as far as the memory goes: it works at once.
		rig.patchStored({ apiSecret: sim.apiSecret });
		const fixed = await rig.run(getTss, { items: items(3) });
		expect(fixed.error).toBeUndefined();
		expect(sim.tokenCalls.map((call) => `${call.grant}:${call.ok}`)).toEqual(['key:false', 'key:true']);
	});

	it('8 concurrent executions on an expired token: one token call, no request spends a 401', async () => {
		const rig = new FiskalyRig(sim);
		sim.invalidateOlderTokens = true; // a second mint would break the siblings' tokens
		await rig.run(getTss, { items: items(1) });
		sim.expireAccessTokens();
		rig.patchStored({ accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString() });
		resetTokenState();
		sim.tokenCalls.length = 0;
		sim.server.clearLog();
		const results = await Promise.all(Array.from({ length: 8 }, async () => await rig.run(getTss, { items: items(5) })));
		for (const result of results) {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(5);
		}
		expect(sim.tokenCallCount()).toBe(1);
		expect(sim.tokenCalls[0].grant).toBe('refresh');
		expect(sim.unauthorisedApiCalls()).toBe(0);
		const stored = rig.stored();
		expect(Date.parse(String(stored.accessTokenExpiresAt))).toBeGreaterThan(Date.now());
		expect(new Set(sim.server.requestsTo('GET', /\/tss\//).map((r) => r.headers.authorization))).toEqual(
			new Set([`Bearer ${String(stored.accessToken)}`]),
		);
	});

	it('8 concurrent executions whose token fiskaly dropped (401s): still one token call', async () => {
		const rig = new FiskalyRig(sim);
		await rig.run(getTss, { items: items(1) });
		sim.expireAccessTokens();
		resetTokenState();
		sim.tokenCalls.length = 0;
		const results = await Promise.all(Array.from({ length: 8 }, async () => await rig.run(getTss, { items: items(3) })));
		expect(results.every((result) => result.error === undefined)).toBe(true);
		expect(sim.tokenCallCount()).toBe(1);
	});

	it('a token known to be expired is replaced before use, in a single execution', async () => {
		const rig = new FiskalyRig(sim);
		await rig.run(getTss, { items: items(1) });
		rig.patchStored({ accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() });
		sim.expireAccessTokens();
		resetTokenState();
		sim.server.clearLog();
		sim.tokenCalls.length = 0;
		const result = await rig.run(getTss, { items: items(3) });
		expect(result.error).toBeUndefined();
		expect(sim.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /api/v2/auth',
			...Array(3).fill(`GET /api/v2/tss/${TSS}`),
		]);
		expect(sim.tokenCalls[0].grant).toBe('refresh');
	});

	it('prefers a token a sibling minted over the older one an execution read', async () => {
		const rig = new FiskalyRig(sim);
		sim.invalidateOlderTokens = true;
		await rig.run(getTss, { items: items(1) }); // mints A, cached in this process
		const old = rig.stored();
		// Another execution minted B (same process) but the store still holds A for this one:
		sim.expireAccessTokens();
		await rig.run(getTss, { items: items(1) }); // 401 -> refresh -> B cached and stored
		const fresh = rig.stored();
		rig.patchStored({ accessToken: old.accessToken, accessTokenExpiresAt: old.accessTokenExpiresAt });
		sim.server.clearLog();
		sim.tokenCalls.length = 0;
		const result = await rig.run(getTss, { items: items(1) });
		expect(result.error).toBeUndefined();
		expect(sim.server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${String(fresh.accessToken)}`]);
		expect(sim.tokenCallCount()).toBe(0);
	});

	it('a throttled token endpoint (429) is retried', async () => {
		const rig = new FiskalyRig(sim);
		sim.failAuth({ kind: 'status', status: 429, headers: { 'Retry-After': '0' }, json: { status_code: 429, code: 'E_RATE_LIMIT', message: 'slow down' } }, { times: 2 });
		const result = await rig.run(getTss, { items: items(1) });
		expect(result.error).toBeUndefined();
		expect(sim.server.requestsTo('POST', '/api/v2/auth')).toHaveLength(3);
	});

	it('a token endpoint answering HTML or dropping the connection gives a clear error', async () => {
		const rig = new FiskalyRig(sim);
		sim.failAuth({ kind: 'html', status: 502 }, { times: 1 });
		const html = await rig.run(getTss, { items: items(1) });
		expect(html.error?.message).toMatch(/fiskaly token request failed with HTTP 502/);
		sim.failAuth({ kind: 'reset' }, { times: 10 });
		const reset = await rig.run(getTss, { items: items(1) });
		expect(reset.error?.message).toMatch(/fiskaly token request failed: .*(ECONNRESET|socket hang up|no response)/i);
		expect(visibleText(reset)).not.toContain(sim.apiSecret);
	});
});
