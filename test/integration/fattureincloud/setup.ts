import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FattureInCloudApi } from '../../../credentials/FattureInCloudApi.credentials';
import { FattureInCloudDeviceCodeApi } from '../../../credentials/FattureInCloudDeviceCodeApi.credentials';
import { FattureInCloudOAuth2Api } from '../../../credentials/FattureInCloudOAuth2Api.credentials';
import { FattureInCloudRefreshTokenApi } from '../../../credentials/FattureInCloudRefreshTokenApi.credentials';
import { FattureInCloud } from '../../../nodes/FattureInCloud/FattureInCloud.node';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { Harness } from '../../harness';
import type { RunOptions, RunResult } from '../../harness';
import { encodings } from '../../secret-encodings';
import { exposed } from '../secrets/rig';
import { FattureInCloudSimulator } from '../../simulators/fattureincloud';

/**
 * Shared rig of the Fatture in Cloud integration tests: the simulator, a fresh harness per test with one
 * credential of each of the four types (the device one already connected), and the secret checks.
 */

export type Auth = 'fattureInCloudOAuth2Api' | 'fattureInCloudApi' | 'fattureInCloudDeviceCodeApi' | 'fattureInCloudRefreshTokenApi';
export const AUTHS: Auth[] = ['fattureInCloudOAuth2Api', 'fattureInCloudApi', 'fattureInCloudDeviceCodeApi', 'fattureInCloudRefreshTokenApi'];

/** Scopes every test credential has unless a test says otherwise. */
export const SCOPES = ['entity.clients:a', 'issued_documents.invoices:r'];

export const sim = new FattureInCloudSimulator();
export const rig = { harness: undefined as unknown as Harness };

beforeAll(async () => {
	await sim.start();
});
afterAll(async () => {
	await sim.stop();
});

export function newHarness(): Harness {
	return new Harness({
		credentialTypes: [new FattureInCloudOAuth2Api(), new FattureInCloudApi(), new FattureInCloudDeviceCodeApi(), new FattureInCloudRefreshTokenApi()],
		nodeTypes: { fattureInCloud: new FattureInCloud() },
	});
}

/** Stores a credential of `auth` with `scopes` (connected, for the device one). */
export function addCredential(harness: Harness, auth: Auth, scopes: string[] = SCOPES, extra: IDataObject = {}): void {
	const common = { baseUrlOverride: sim.server.url, scopes };
	if (auth === 'fattureInCloudOAuth2Api') {
		harness.addCredential(auth, auth, { ...common, clientId: sim.clientId, clientSecret: sim.clientSecret, oauthTokenData: sim.issuePair(scopes), ...extra });
	} else if (auth === 'fattureInCloudApi') {
		harness.addCredential(auth, auth, { baseUrlOverride: sim.server.url, accessToken: sim.issueManualToken(scopes), ...extra });
	} else if (auth === 'fattureInCloudDeviceCodeApi') {
		const pair = sim.issuePair(scopes, true);
		harness.addCredential(auth, auth, {
			...common,
			clientId: sim.deviceClientId,
			accessToken: pair.access_token,
			accessTokenExpiresAt: new Date(Date.now() + 86400_000).toISOString(),
			refreshToken: pair.refresh_token,
			...extra,
		});
	} else {
		harness.addCredential(auth, auth, {
			baseUrlOverride: sim.server.url,
			clientId: sim.clientId,
			clientSecret: sim.clientSecret,
			refreshToken: sim.issuePair(scopes).refresh_token,
			accessToken: '',
			...extra,
		});
	}
}

beforeEach(() => {
	resetTokenState();
	sim.reset();
	rig.harness = newHarness();
	for (const auth of AUTHS) addCredential(rig.harness, auth);
});

export async function run(auth: Auth, parameters: IDataObject, options: Partial<RunOptions> = {}, harness = rig.harness): Promise<RunResult> {
	return await harness.run({
		type: 'fattureInCloud',
		parameters: { authentication: auth, ...parameters },
		credentials: { [auth]: auth },
		...options,
	});
}

export const json = (items: INodeExecutionData[]) => items.map((item) => item.json);
export const apiRequests = () => sim.server.requests.filter((request) => !request.path.startsWith('/oauth/'));

/** Every secret the simulator ever issued or holds, and the client secret. */
export function secrets(): string[] {
	return [sim.clientSecret, ...sim.accessTokens.keys(), ...sim.refreshTokens.keys(), ...sim.devices.keys(), 'company-token-12345'];
}

/** Secrets (in any encoding) found in a run; the counter feeds the report line. */
export const leakTally = { cases: 0, leaks: 0 };
export function leaksIn(result: RunResult, extra: string[] = []): string[] {
	leakTally.cases += 1;
	const text = exposed(result);
	const found: string[] = [];
	for (const secret of new Set([...secrets(), ...extra])) {
		for (const [name, form] of Object.entries(encodings(secret))) if (form.length >= 6 && text.includes(form)) found.push(`${name} of ${secret.slice(0, 8)}…`);
	}
	leakTally.leaks += found.length;
	return found;
}
