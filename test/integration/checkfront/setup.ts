import { ClientOAuth2 } from '@n8n/client-oauth2';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { CheckfrontApi } from '../../../credentials/CheckfrontApi.credentials';
import { CheckfrontOAuth2Api } from '../../../credentials/CheckfrontOAuth2Api.credentials';
import { Checkfront } from '../../../nodes/Checkfront/Checkfront.node';
import { Harness } from '../../harness';
import type { RunOptions, RunResult } from '../../harness';
import { basicOf, bearerOf } from '../../simulators/framework';
import type { RecordedRequest } from '../../simulators/framework';
import { CheckfrontSimulator } from '../../simulators/checkfront';

/**
 * Shared rig of the Checkfront integration tests (one file per resource or concern, mirroring
 * nodes/Checkfront/): simulators, a fresh harness per test, and the assertions they share.
 *
 * The Checkfront node through n8n-core's real execution path against the loopback simulator:
 * n8n-core applies the token pair (generic Basic auth) and signs/refreshes OAuth2 itself; every
 * assertion reads what the simulator saw and what the node put out.
 */

export type Auth = 'checkfrontApi' | 'checkfrontOAuth2Api';
export const AUTHS: Auth[] = ['checkfrontApi', 'checkfrontOAuth2Api'];

export const sim = new CheckfrontSimulator();
/** The account's "new host" after a migration: a second loopback simulator sharing the account. */
export const moved = new CheckfrontSimulator();
/** The harness of the running test (a fresh one before each test; tests may replace it). */
export const rig = { harness: undefined as unknown as Harness };

beforeAll(async () => {
	await sim.start();
	await moved.start();
	moved.shareAccountWith(sim);
});
afterAll(async () => {
	await sim.stop();
	await moved.stop();
});

export function newHarness(host = sim.server.url): Harness {
	const h = new Harness({
		credentialTypes: [new CheckfrontApi(), new CheckfrontOAuth2Api()],
		nodeTypes: { checkfront: new Checkfront() },
	});
	h.addCredential('token', 'checkfrontApi', { host, apiKey: sim.apiKey, apiSecret: sim.apiSecret });
	h.addCredential('oauth', 'checkfrontOAuth2Api', {
		host,
		clientId: sim.clientId,
		clientSecret: sim.clientSecret,
		oauthTokenData: sim.issueTokenPair(),
	});
	return h;
}

beforeEach(() => {
	sim.reset();
	moved.server.clearLog();
	moved.shareAccountWith(sim);
	rig.harness = newHarness();
});

export async function run(auth: Auth, parameters: IDataObject, options: Partial<RunOptions> = {}): Promise<RunResult> {
	return await rig.harness.run({
		type: 'checkfront',
		parameters: { authentication: auth, ...parameters },
		credentials: { [auth]: auth === 'checkfrontApi' ? 'token' : 'oauth' },
		...options,
	});
}

/** The harness resolves credential expressions against the workflow of its last run. */
export async function primeExpressions(): Promise<void> {
	await run('checkfrontApi', { resource: 'account', operation: 'ping' });
	sim.server.clearLog();
}

export const json = (items: INodeExecutionData[]) => items.map((item) => item.json);
export const apiRequests = (server = sim.server) => server.requests.filter((request) => request.path.startsWith('/api/3.0'));

/** Every secret the run could have leaked: key secret, consumer secret, current and past tokens. */
export function secrets(): string[] {
	return [
		sim.apiSecret,
		sim.clientSecret,
		Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString('base64'),
		...sim.accessTokens.keys(),
		...sim.refreshTokens.keys(),
	];
}

export function expectNoSecret(value: unknown): void {
	const text = JSON.stringify(value, (_key, entry: unknown) => (entry instanceof Error ? { ...entry, message: entry.message } : entry));
	for (const secret of secrets()) expect(text).not.toContain(secret);
}

/** The credential was applied as Checkfront wants it, and only that way. */
export function expectAuthApplied(auth: Auth, requests: RecordedRequest[]): void {
	expect(requests.length).toBeGreaterThan(0);
	for (const request of requests) {
		expect(request.query.access_token).toBeUndefined();
		if (auth === 'checkfrontApi') {
			expect(basicOf(request)).toEqual([sim.apiKey, sim.apiSecret]);
		} else {
			expect(bearerOf(request)).toMatch(/^cf_at_/);
			// The consumer key/secret never go to /api/.
			expect(basicOf(request)).toBeUndefined();
		}
	}
}
