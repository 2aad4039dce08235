import { Harness } from '../harness';
import { ReferenceTokenApi } from '../fixtures/ReferenceTokenApi.credentials';
import { Reference } from '../fixtures/Reference.node';
import { ReferenceSimulator } from '../simulators/reference';
import { resetTokenState } from '../../nodes/shared/tokens';

describe('harness: n8n-core execution path', () => {
	const sim = new ReferenceSimulator();
	let harness: Harness;

	beforeAll(async () => {
		await sim.start();
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		resetTokenState();
		sim.server.clearLog();
		sim.server.clearFaults();
		harness = new Harness({ credentialTypes: [new ReferenceTokenApi()], nodeTypes: { reference: new Reference() } });
		harness.addCredential('c1', 'referenceTokenApi', {
			baseUrl: sim.server.url,
			apiKey: sim.apiKey,
			apiSecret: sim.apiSecret,
			accessToken: '',
		});
	});

	it('mints a token on first use (empty expirable field) and persists it', async () => {
		const result = await harness.run({ type: 'reference', parameters: { operation: 'get', path: '/me' }, credentials: { referenceTokenApi: 'c1' } });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([{ id: 1, name: 'reference user' }]);
		expect(sim.server.requestsTo('POST', '/token')).toHaveLength(1);
		const stored = harness.store.read('c1');
		expect(typeof stored.accessToken).toBe('string');
		expect(stored.accessToken).not.toBe('');
		expect(sim.server.requestsTo('GET', '/me')[0].headers.authorization).toBe(`Bearer ${String(stored.accessToken)}`);
	});

	it('a 401 renews the token: preAuthentication once (token field emptied by the request layer), request resent once, new token stored', async () => {
		harness.addCredential('c1', 'referenceTokenApi', {
			baseUrl: sim.server.url,
			apiKey: sim.apiKey,
			apiSecret: sim.apiSecret,
			accessToken: 'stale-token-from-yesterday',
		});
		const result = await harness.run({ type: 'reference', parameters: { operation: 'get', path: '/me' }, credentials: { referenceTokenApi: 'c1' } });
		expect(result.error).toBeUndefined();
		const calls = sim.server.requests.map((request) => `${request.method} ${request.path} ${request.headers.authorization ?? ''}`);
		const newToken = String(harness.store.read('c1').accessToken);
		expect(calls).toEqual([
			'GET /me Bearer stale-token-from-yesterday',
			'POST /token ',
			`GET /me Bearer ${newToken}`,
		]);
		// n8n-core's own 401 retry is switched off (preAuthenticationRetryStatusCode: []): the shared request
		// layer re-read the store, found no newer token, and had n8n run preAuthentication with the token emptied.
		expect(harness.credentialsHelper.preAuthCalls.filter((call) => call.ran)).toEqual([
			{ type: 'referenceTokenApi', credentialsExpired: false, ran: true },
		]);
		expect(newToken).not.toBe('stale-token-from-yesterday');
		expect(harness.store.writes.get('c1')).toBe(1);
	});
});
