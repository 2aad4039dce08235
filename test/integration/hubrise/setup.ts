import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { HubRiseApi } from '../../../credentials/HubRiseApi.credentials';
import { HubRiseOAuth2Api } from '../../../credentials/HubRiseOAuth2Api.credentials';
import { forgetSentCodes } from '../../../nodes/HubRise/auth';
import { HubRise } from '../../../nodes/HubRise/HubRise.node';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { Harness } from '../../harness';
import type { RunOptions, RunResult } from '../../harness';
import type { RecordedRequest } from '../../simulators/framework';
import { HubRiseSimulator } from '../../simulators/hubrise';

/**
 * Shared rig of the HubRise integration tests: the node through n8n-core's real execution path
 * against the loopback simulator, with both credentials: the OAuth2 one (token response stored in
 * oauthTokenData, as n8n stores it after the connect flow) and the installed-app one (a pasted code,
 * exchanged on first use).
 */

export type Auth = 'hubriseOAuth2Api' | 'hubriseApi';
export const AUTHS: Auth[] = ['hubriseOAuth2Api', 'hubriseApi'];
export const FULL_SCOPE = 'location[orders.write,customer_list.write,catalog.write,inventory.write]';

export const sim = new HubRiseSimulator();
export const rig = { harness: undefined as unknown as Harness, oauthToken: '' };

beforeAll(async () => {
	await sim.start();
});
afterAll(async () => {
	await sim.stop();
});

export function newHarness(scope = FULL_SCOPE): Harness {
	const h = new Harness({ credentialTypes: [new HubRiseOAuth2Api(), new HubRiseApi()], nodeTypes: { hubRise: new HubRise() } });
	const connection = sim.connect(scope);
	rig.oauthToken = connection.token;
	h.addCredential('oauth', 'hubriseOAuth2Api', {
		clientId: sim.clientId,
		clientSecret: sim.clientSecret,
		customScope: scope,
		baseUrlOverride: sim.server.url,
		oauthTokenData: sim.tokenResponse(connection),
	});
	h.addCredential('app', 'hubriseApi', {
		clientId: sim.clientId,
		clientSecret: sim.clientSecret,
		customScope: scope,
		authorizationCodeSecret: sim.issueCode(scope),
		accessToken: '',
		baseUrlOverride: sim.server.url,
		connectionToken: '',
	});
	return h;
}

beforeEach(() => {
	sim.reset();
	resetTokenState();
	forgetSentCodes();
	rig.harness = newHarness();
});

export async function run(auth: Auth, parameters: IDataObject, options: Partial<RunOptions> = {}): Promise<RunResult> {
	return await rig.harness.run({
		type: 'hubRise',
		parameters: { authentication: auth, ...parameters },
		credentials: { [auth]: auth === 'hubriseApi' ? 'app' : 'oauth' },
		...options,
	});
}

export const json = (items: INodeExecutionData[]) => items.map((item) => item.json);

/** Every secret a run could leak: client secret, Basic pair, every token and code the simulator issued. */
export function secrets(): string[] {
	return [
		sim.clientSecret,
		Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64'),
		...sim.connections.keys(),
		...sim.codes.keys(),
	];
}

export function expectNoSecret(value: unknown): void {
	const text = JSON.stringify(value, (_key, entry: unknown) =>
		entry instanceof Error ? { ...entry, message: entry.message, description: (entry as { description?: string }).description } : entry,
	);
	for (const secret of secrets()) {
		expect(text).not.toContain(secret);
		expect(text).not.toContain(encodeURIComponent(secret));
		expect(text).not.toContain(Buffer.from(secret).toString('base64'));
	}
}

/** The token travelled in X-Access-Token only: never Authorization, never the query string. */
export function expectTokenHeaderOnly(requests: RecordedRequest[]): void {
	expect(requests.length).toBeGreaterThan(0);
	for (const request of requests) {
		expect(request.headers['x-access-token']).toMatch(/^hr_at_/);
		expect(request.headers.authorization).toBeUndefined();
		expect(Object.keys(request.query).filter((key) => /token/i.test(key))).toEqual([]);
	}
}
