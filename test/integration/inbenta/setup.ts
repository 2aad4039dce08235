import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { InbentaApi } from '../../../credentials/InbentaApi.credentials';
import { Inbenta } from '../../../nodes/Inbenta/Inbenta.node';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { Harness } from '../../harness';
import type { RunOptions, RunResult } from '../../harness';
import { bearerOf } from '../../simulators/framework';
import type { RecordedRequest } from '../../simulators/framework';
import { InbentaSimulator } from '../../simulators/inbenta';

/**
 * Shared rig of the Inbenta integration tests: the simulator (Auth API on one loopback port, each
 * product API on another, named only by the `apis` map), a fresh harness per test with one
 * credential per flow, and the assertions they share.
 */

export type Flow = 'apiSecret' | 'domainKey';
export const FLOWS: Flow[] = ['apiSecret', 'domainKey'];

export const sim = new InbentaSimulator();
export const rig = { harness: undefined as unknown as Harness };

beforeAll(async () => {
	await sim.start();
});
afterAll(async () => {
	await sim.stop();
});

export function credentialData(flow: Flow, overrides: IDataObject = {}): IDataObject {
	const common = { apiKey: sim.apiKey, baseUrlOverride: sim.auth.url, accessToken: '' };
	return flow === 'apiSecret'
		? { flow, ...common, apiSecret: sim.apiSecret, ...overrides }
		: { flow, ...common, domainKeyToken: sim.domainKey, domain: sim.allowedDomain, ...overrides };
}

export function newHarness(): Harness {
	const h = new Harness({ credentialTypes: [new InbentaApi()], nodeTypes: { inbenta: new Inbenta() } });
	for (const flow of FLOWS) h.addCredential(flow, 'inbentaApi', credentialData(flow));
	return h;
}

beforeEach(() => {
	resetTokenState();
	sim.reset();
	rig.harness = newHarness();
});

export async function run(flow: Flow, parameters: IDataObject, options: Partial<RunOptions> = {}): Promise<RunResult> {
	return await rig.harness.run({ type: 'inbenta', parameters, credentials: { inbentaApi: flow }, ...options });
}

export const json = (items: INodeExecutionData[]) => items.map((item) => item.json);

/** Every secret a run could leak: the secret, the domain key, every token issued. */
export function secrets(): string[] {
	return [sim.apiSecret, sim.domainKey, ...sim.issuedTokens()];
}

export function expectNoSecret(value: unknown): void {
	const text = JSON.stringify(value, (_key, entry: unknown) => (entry instanceof Error ? { ...entry, message: entry.message } : entry));
	for (const secret of secrets()) expect(text).not.toContain(secret);
}

/** Every product request carried the key and a token the simulator issued, and no secret. */
export function expectAuthApplied(requests: RecordedRequest[]): void {
	expect(requests.length).toBeGreaterThan(0);
	for (const request of requests) {
		expect(request.headers['x-inbenta-key']).toBe(sim.apiKey);
		expect(sim.tokens.has(bearerOf(request) ?? '')).toBe(true);
		expect(request.rawBody).not.toContain(sim.apiSecret);
		expect(request.rawBody).not.toContain(sim.domainKey);
	}
}

export const authCalls = (path: string) => sim.authCalls.filter((call) => call.path === path);
