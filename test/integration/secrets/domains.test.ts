import { ForeignHost, providerCases, sims, startAll, stopAll } from './rig';
import type { ProviderCase } from './rig';

/**
 * n8n 2.41's per-credential "Allowed HTTP Request Domains" (the fields n8n adds to every credential
 * that authenticates), through n8n-core 2.41: a list naming the provider keeps everything working,
 * token exchanges included; a list that leaves it out stops every request, with n8n's words.
 */

const foreign = new ForeignHost();
beforeAll(async () => await startAll(foreign));
afterAll(async () => await stopAll(foreign));

const restricted = (allowedDomains: string) => ({ allowedHttpRequestDomains: 'domains', allowedDomains });

for (const provider of providerCases()) {
	describe(provider.name, () => {
		const requests = () => provider.servers.flatMap((server) => server.requests);
		beforeEach(() => {
			for (const server of provider.servers) server.clearLog();
		});

		it('a list naming the provider host keeps the run working (token exchange included)', async () => {
			provider.reset({ extra: restricted('127.0.0.1, example.com') });
			const result = await provider.run();
			expect(result.error).toBeUndefined();
			expect(requests().length).toBeGreaterThan(0);
		});

		// Only where a renewal exists (HubRise tokens and manual tokens never expire).
		if (provider.moments.includes('renewed token')) {
			it('a list naming the provider host keeps a renewal working', async () => {
				provider.reset({ moment: 'renewed token', extra: restricted('127.0.0.1') });
				const result = await provider.run();
				expect(result.error).toBeUndefined();
			});
		}

		for (const list of ['example.com', '*.127.0.0.1', 'localhost', '']) {
			it(`a list that leaves the provider out (${JSON.stringify(list)}) stops every request`, async () => {
				provider.reset({ extra: restricted(list) });
				const result = await provider.run();
				expect(result.error?.message).toMatch(list === '' ? /No allowed domains specified/ : /Domain not allowed: This credential is restricted from accessing 127\.0\.0\.1:\d+/);
				// Nothing reached the provider: no token exchange, no API call.
				expect(requests()).toHaveLength(0);
			});
		}

		it('"all" and "none" (n8n\'s switch for the HTTP Request node) leave the node working', async () => {
			for (const mode of ['all', 'none']) {
				provider.reset({ extra: { allowedHttpRequestDomains: mode, allowedDomains: 'example.com' } });
				expect((await provider.run()).error).toBeUndefined();
			}
		});
	});
}

describe('followed redirects are held to the list too', () => {
	it('Checkfront (loopback host) does not follow a move to a host off the list', async () => {
		const checkfront = providerCases().find((provider) => provider.name === 'checkfrontApi') as ProviderCase;
		checkfront.reset({ extra: restricted('127.0.0.1') });
		// A move the loopback policy would follow (localhost is loopback), but the list leaves out.
		const target = foreign.url.replace('127.0.0.1', 'localhost');
		sims.checkfront.server.inject({ kind: 'status', status: 301, headers: { location: `${target}/api/3.0/ping` } }, { times: 3 });
		const result = await checkfront.run();
		sims.checkfront.server.clearFaults();
		expect(result.error?.message).toMatch(/Domain not allowed: This credential is restricted from accessing localhost:\d+/);
		expect(foreign.requests).toHaveLength(0);
	});
});
