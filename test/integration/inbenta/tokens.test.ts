import { resetTokenState } from '../../../nodes/shared/tokens';
import { bearerOf } from '../../simulators/framework';
import { authCalls, expectNoSecret, FLOWS, json, rig, run, sim } from './setup';

/**
 * The token lifecycle of both flows through n8n-core: one /auth for a whole execution, renewal
 * before expiry (never a 401 answered), authentication again after expiry or a revoked token,
 * reuse of the stored token and product map by a new process, and the errors that name the cause.
 */

const search = { resource: 'knowledge', operation: 'search', query: 'password', limit: 1 };
const items = (count: number) => Array.from({ length: count }, (_, index) => ({ index }));

describe.each(FLOWS)('%s flow', (flow) => {
	// 1,000 with the recommended flow; fewer with the domain key (same code path), to keep the suite short.
	const count = flow === 'apiSecret' ? 1000 : 200;
	it(`${count} knowledge searches in one execution cost exactly one /auth`, async () => {
		const { items: out, error } = await run(flow, search, { items: items(count) });
		expect(error).toBeUndefined();
		expect(out).toHaveLength(count);
		expect(authCalls('/auth')).toHaveLength(1);
		expect(authCalls('/refreshToken')).toHaveLength(0);
		expect(authCalls('/apis').length).toBeLessThanOrEqual(1);
		expect(sim.knowledge.requestsTo('POST', '/prod/knowledge/v1/search')).toHaveLength(count);
		expect(sim.unauthorized).toBe(0);
		// eslint-disable-next-line no-console
		console.log(`Inbenta (${flow}): ${count} searches, ${authCalls('/auth').length} /auth, ${authCalls('/apis').length} /apis, ${sim.unauthorized} answered 401`);
	}, 120_000);

	it('renews a short-lived token before it expires, over a run several lifetimes long, with no 401', async () => {
		// 6 s tokens: the renewal margin scales with the lifetime, and a 3 s token left too little of it on a loaded
		// 2-core machine (a request gap past the margin meets an expired token and authenticates again)
		const lifetime = 6;
		const runs = 300;
		sim.lifetimeSeconds = lifetime;
		sim.searchDelayMs = 40;
		const started = Date.now();
		const { items: out, error } = await run(flow, search, { items: items(runs) });
		const seconds = (Date.now() - started) / 1000;
		expect(error).toBeUndefined();
		expect(out).toHaveLength(runs);
		const refreshes = authCalls('/refreshToken');
		expect(seconds).toBeGreaterThan(2 * lifetime);
		expect(refreshes.length).toBeGreaterThanOrEqual(2);
		for (const refresh of refreshes) {
			expect(refresh.ok).toBe(true);
			expect(refresh.leftMs).toBeGreaterThan(0);
		}
		expect(authCalls('/auth')).toHaveLength(1);
		expect(sim.unauthorized).toBe(0);
		// The newest token is what the credential store holds now.
		const stored = rig.harness.store.read(flow);
		const last = sim.knowledge.requests[sim.knowledge.requests.length - 1];
		expect(stored.accessToken).toBe(bearerOf(last));
		expect(Date.parse(String(stored.accessTokenExpiresAt))).toBeGreaterThan(Date.now());
		// eslint-disable-next-line no-console
		console.log(`Inbenta (${flow}): ${seconds.toFixed(1)} s run with ${lifetime} s tokens: ${refreshes.length} refreshes, each with ${refreshes.map((r) => r.leftMs).join('/')} ms left; 1 /auth; 0 answered 401`);
	}, 60_000);

	it('a new process reuses the stored token and product map: no /auth, no /apis', async () => {
		await run(flow, search);
		sim.auth.clearLog();
		sim.authCalls.length = 0;
		resetTokenState();
		const { items: out, error } = await run(flow, search);
		expect(error).toBeUndefined();
		expect(out.length).toBeGreaterThan(0);
		expect(sim.authCalls).toHaveLength(0);
	});

	it('authenticates again once the stored token has expired, before sending it', async () => {
		await run(flow, search);
		const stored = rig.harness.store.read(flow);
		rig.harness.store.update(flow, { ...stored, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() });
		sim.expireTokens();
		resetTokenState();
		sim.authCalls.length = 0;
		const { error } = await run(flow, search);
		expect(error).toBeUndefined();
		expect(authCalls('/auth')).toHaveLength(1);
		expect(authCalls('/refreshToken')).toHaveLength(0);
		expect(sim.unauthorized).toBe(0);
	});

	it('a revoked token (401) is refreshed, else replaced by a new /auth, and the call succeeds', async () => {
		await run(flow, search);
		sim.revokeTokens();
		sim.authCalls.length = 0;
		const { items: out, error } = await run(flow, search);
		expect(error).toBeUndefined();
		expect(out.length).toBeGreaterThan(0);
		expect(authCalls('/refreshToken').map((call) => call.ok)).toEqual([false]);
		expect(authCalls('/auth').map((call) => call.ok)).toEqual([true]);
	});

	it('the credential test passes', async () => {
		expect(await rig.harness.testCredential('inbentaApi', flow)).toEqual({ status: 'OK', message: 'Connection successful!' });
	});
});

describe('errors name the cause and hold no secret', () => {
	it('wrong secret: one /auth for 50 items, "wrong key or secret"', async () => {
		rig.harness.store.update('apiSecret', { ...rig.harness.store.read('apiSecret'), apiSecret: 'not-the-secret-123' });
		const result = await run('apiSecret', search, { items: items(50), continueOnFail: true });
		expect(json(result.items)).toHaveLength(50);
		expect(String(result.items[0].json.error)).toMatch(/Inbenta rejected the API key or API secret: wrong key or secret/);
		expect(authCalls('/auth')).toHaveLength(1);
		expectNoSecret(result.items);
		expect(JSON.stringify(result.items)).not.toContain('not-the-secret-123');
	});

	it('revoked key: "the key was revoked"', async () => {
		sim.keyRevoked = true;
		const result = await run('apiSecret', search);
		expect(result.error?.message).toMatch(/Inbenta refused the API secret: the key was revoked/);
	});

	it('domain key from a domain it is not valid for: "not allowed", and the Origin a browser would send', async () => {
		rig.harness.store.update('domainKey', { ...rig.harness.store.read('domainKey'), domain: 'phish.example.org' });
		const result = await run('domainKey', search);
		expect(result.error?.message).toMatch(/Inbenta refused the domain key: the domain https:\/\/phish\.example\.org is not allowed/);
		const auth = sim.auth.requestsTo('POST', '/v1/auth')[0];
		expect(auth.headers.origin).toBe('https://phish.example.org');
		expect(auth.headers.referer).toBe('https://phish.example.org/');
		expect(auth.body).toEqual({ domain_key: sim.domainKey });
		expectNoSecret(result.error);
	});

	it('the API secret is sent as JSON {secret}; the simulator also takes the form the PHP connector posts', async () => {
		await run('apiSecret', search);
		const auth = sim.auth.requestsTo('POST', '/v1/auth')[0];
		expect(auth.headers['content-type']).toMatch(/json/);
		expect(auth.body).toEqual({ secret: sim.apiSecret });
		const form = await fetch(`${sim.auth.url}/v1/auth`, {
			method: 'POST',
			headers: { 'x-inbenta-key': sim.apiKey, 'content-type': 'application/x-www-form-urlencoded' },
			body: `secret=${encodeURIComponent(sim.apiSecret)}`,
		});
		expect(form.status).toBe(200);
		expect(Object.keys((await form.json()) as object).sort()).toEqual(['accessToken', 'apis', 'expiration', 'expires_in']);
	});

	it('429 with x-throttle-reset is waited out and the search retried', async () => {
		const reset = String(Math.floor(Date.now() / 1000) + 1);
		sim.knowledge.inject({ kind: 'status', status: 429, headers: { 'x-throttle-reset': reset }, json: { message: 'Too many requests' } });
		const { items: out, error } = await run('apiSecret', search);
		expect(error).toBeUndefined();
		expect(out.length).toBeGreaterThan(0);
		expect(sim.knowledge.requestsTo('POST', '/prod/knowledge/v1/search')).toHaveLength(2);
	});
});
