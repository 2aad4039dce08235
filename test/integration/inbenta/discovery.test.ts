import { bearerOf } from '../../simulators/framework';
import { FLOWS, rig, run, sim } from './setup';

/**
 * Product URLs come from the newest /auth answer and are accepted only on Inbenta's domains (or
 * loopback with the override): a hostile `apis` map is refused before anything is sent there, and
 * the token is seen by nothing but the Auth API.
 */

const search = { resource: 'knowledge', operation: 'search', query: 'password' };

describe.each(FLOWS)('%s flow', (flow) => {
	it.each([
		['https://evil.example.net', 'evil.example.net'],
		['https://api.inbenta.io.evil.example', 'api.inbenta.io.evil.example'],
		['http://eu.inbenta.io', 'eu.inbenta.io'],
		['https://api.inbenta.io@evil.example', 'evil.example'],
	])('a map naming %s is refused, naming the host; the token reaches only the Auth API', async (url, host) => {
		sim.hostileUrl = url;
		const result = await run(flow, search);
		expect(result.error?.message).toContain(`named ${host} for the knowledge API; it was refused and nothing was sent there`);
		expect(sim.knowledge.requests).toHaveLength(0);
		const tokens = new Set(sim.issuedTokens());
		const carriers = sim.servers().filter((server) => server.requests.some((request) => tokens.has(bearerOf(request) ?? '') || JSON.stringify(request).includes([...tokens][0])));
		expect(carriers.map((server) => server.name)).toEqual(['inbenta-auth']);
	});

	it('products are reached only through the map: each on its own loopback port, none on the Auth API port', async () => {
		await run(flow, search);
		await run(flow, { resource: 'search', operation: 'federatedSearch', query: 'x' });
		const ports = new Set([sim.auth.url, sim.knowledge.url, sim.search.url].map((url) => new URL(url).port));
		expect(ports.size).toBe(3);
		expect(sim.auth.requests.every((request) => request.path.startsWith('/v1/'))).toBe(true);
		expect(sim.knowledge.requests.length).toBeGreaterThan(0);
		expect(sim.search.requests.length).toBeGreaterThan(0);
	});

	it('a new /auth answer moves the products: the newest map wins', async () => {
		await run(flow, search);
		const stored = rig.harness.store.read(flow);
		expect(JSON.parse(String(stored.apis))).toEqual(sim.apis());
		// The instance moved: the stored token dies, the next /auth names other URLs.
		sim.revokeTokens();
		sim.hostileUrl = 'https://new-region.inbenta.io';
		const result = await run(flow, search);
		// The retried request went to the old (accepted) URL with the new token; the map is the new one.
		expect(result.error).toBeUndefined();
		expect(JSON.parse(String(rig.harness.store.read(flow).apis)).knowledge).toBe('https://new-region.inbenta.io/prod/knowledge');
	});
});
