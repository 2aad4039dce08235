import { CheckfrontApi } from '../../../credentials/CheckfrontApi.credentials';
import type { Fault } from '../../simulators/framework';
import { ForeignHost, HOSTILE_KEY, HOSTILE_SECRET, providerCases, sims, startAll, stopAll, tally } from './rig';

/**
 * Redirects on the credential's own requests: token exchanges, credential tests, API calls, and the
 * OAuth2 refresh (done by n8n-core). The foreign host's log proves what reached it.
 */

const foreign = new ForeignHost();
beforeAll(async () => await startAll(foreign));
afterAll(async () => {
	await stopAll(foreign);
	// eslint-disable-next-line no-console
	console.log(`secrets/redirects: ${tally.cases} cases, ${tally.offOrigin} requests left the origin with a secret`);
});
beforeEach(() => {
	foreign.requests.length = 0;
});

const [fiskaly, checkfrontApi, checkfrontOAuth2, reference] = providerCases();
const STATUSES = [301, 302, 303, 307, 308];
const redirect = (status: number, path = '/steal'): Fault => ({ kind: 'status', status, headers: { location: `${foreign.url}${path}` } });

/** Counts a case, and requests that reached the foreign host with any of the secrets. */
function offOrigin(secrets: string[]): number {
	tally.cases += 1;
	const count = foreign.withSecrets(secrets);
	tally.offOrigin += count;
	return count;
}

describe('token exchanges never follow a redirect', () => {
	for (const provider of [fiskaly, reference]) {
		for (const status of STATUSES) {
			for (const grant of ['key and secret', 'refresh token']) {
				if (grant === 'refresh token' && provider === reference) continue;
				it(`${provider.name}: ${status} on the token request (${grant})`, async () => {
					provider.reset({ extra: grant === 'refresh token' ? { refreshToken: 'fiskaly-refresh-token-0042' } : {} });
					provider.server.inject(redirect(status), { times: 20, match: (request) => request.method === 'POST' && /\/(auth|token)$/.test(request.path) });
					const result = await provider.run();
					provider.server.clearFaults();
					expect(result.error?.message).toMatch(new RegExp(`redirect \\(HTTP ${status}\\) to 127\\.0\\.0\\.1:\\d+\\. It was not followed`));
					expect(offOrigin([HOSTILE_KEY, HOSTILE_SECRET, 'fiskaly-refresh-token-0042'])).toBe(0);
					expect(foreign.requests).toHaveLength(0);
				});
			}
		}
	}
});

describe('API calls never take the credential to another origin', () => {
	for (const provider of [fiskaly, reference]) {
		for (const status of [302, 307, 308]) {
			it(`${provider.name}: ${status} to a foreign port`, async () => {
				provider.reset();
				provider.server.inject(redirect(status), { times: 5, match: provider.isApiCall });
				const result = await provider.run();
				provider.server.clearFaults();
				expect(result.error?.message).toMatch(/redirected the request to 127\.0\.0\.1:\d+, which is not a .* host\. It was not followed/);
				expect(offOrigin(provider.secretsNow())).toBe(0);
				expect(foreign.requests).toHaveLength(0);
			});
		}
	}
	// A Checkfront credential whose host is a loopback URL (simulators) follows moves to other
	// loopback ports by design (the host-migration tests use that); a real account follows only
	// https Checkfront hosts (test/unit/checkfront-host.test.ts). Anything else is refused.
	for (const provider of [checkfrontApi, checkfrontOAuth2]) {
		for (const status of [302, 307, 308]) {
			it(`${provider.name}: ${status} to a host that is not Checkfront`, async () => {
				provider.reset();
				provider.server.inject({ kind: 'status', status, headers: { location: 'https://checkfront.com.evil.test/api/3.0/ping' } }, { times: 5, match: provider.isApiCall });
				const result = await provider.run();
				provider.server.clearFaults();
				expect(result.error?.message).toMatch(/redirected the request to checkfront\.com\.evil\.test, which is not a Checkfront host\. It was not followed/);
				expect(offOrigin(provider.secretsNow())).toBe(0);
			});
		}
	}
});

describe('credential tests never follow a redirect', () => {
	for (const provider of [fiskaly, checkfrontApi, reference]) {
		for (const status of STATUSES) {
			it(`${provider.name}: test answered ${status}`, async () => {
				provider.reset();
				provider.server.inject(redirect(status), { times: 5, match: provider.isApiCall });
				const type = provider.harness.store.get(provider.credentialId).type;
				const outcome = await provider.harness.testCredential(type, provider.credentialId);
				provider.server.clearFaults();
				expect(outcome.status).toBe('Error');
				expect(outcome.message).toMatch(/answered the test with a redirect\. It was not followed/);
				expect(offOrigin(provider.secretsNow())).toBe(0);
				expect(foreign.requests).toHaveLength(0);
			});
		}
		it(`${provider.name}: an unredirected test passes`, async () => {
			provider.reset();
			const type = provider.harness.store.get(provider.credentialId).type;
			expect(await provider.harness.testCredential(type, provider.credentialId)).toEqual({ status: 'OK', message: 'Connection successful!' });
		});
	}

	it('control: without those options n8n-core follows the redirect with the credential', async () => {
		// The same credential test as n8n would run it for a credential that does not opt out.
		class Naive extends CheckfrontApi {
			name = 'naiveCheckfrontApi';
			test = { request: { ...new CheckfrontApi().test.request, disableFollowRedirect: undefined, sendCredentialsOnCrossOriginRedirect: undefined } };
		}
		checkfrontApi.reset();
		const harness = checkfrontApi.harness;
		harness.registry['types'].set('naiveCheckfrontApi', new Naive());
		harness.addCredential('naive', 'naiveCheckfrontApi', harness.store.read('cf'));
		sims.checkfront.server.inject(redirect(307), { match: checkfrontApi.isApiCall });
		await harness.testCredential('naiveCheckfrontApi', 'naive');
		sims.checkfront.server.clearFaults();
		expect(foreign.requests).toHaveLength(1);
		expect(foreign.requests[0].headers.authorization).toMatch(/^Basic /);
	});
});

describe('the Checkfront OAuth2 refresh (n8n-core, @n8n/client-oauth2)', () => {
	for (const status of [302, 307, 308]) {
		it(`token endpoint answers ${status} to a foreign port: what reaches it`, async () => {
			checkfrontOAuth2.reset({ renewed: true });
			const refreshToken = String((checkfrontOAuth2.harness.store.read('co').oauthTokenData as { refresh_token: string }).refresh_token);
			sims.checkfront.server.inject(redirect(status, '/oauth/token/'), { times: 5, match: (request) => request.path.startsWith('/oauth/token') });
			const result = await checkfrontOAuth2.run();
			sims.checkfront.server.clearFaults();
			expect(result.error).toBeDefined();
			// n8n-core follows the redirect; a 307/308 re-POSTs the refresh token (the client
			// secret, sent as HTTP Basic, is dropped by follow-redirects on a host change). A
			// known limitation outside the package's reach: see the README's Security section.
			const carried = foreign.withSecrets([refreshToken]);
			expect(carried).toBe(status === 302 ? 0 : 1);
			for (const request of foreign.requests) expect(String(request.headers.authorization ?? '')).not.toMatch(/^Basic/);
		});
	}
});
