// Fatture in Cloud for the demo: the simulator, one credential of each of the four types pointing at it through
// the loopback override, and one small workflow per credential. Wired into the demo by scripts/demo/demo.ts.
//
// README lines:
//   Fatture in Cloud: four ways to connect (OAuth2 with a scope picker, manual token, device code run inside n8n,
//   unattended refresh token) against a local simulator; each workflow lists the company's latest invoices.
import { FattureInCloudSimulator } from '../../test/simulators/fattureincloud';

export const DESCRIPTION = [
	'Fatture in Cloud: four ways to connect (OAuth2 with a scope picker, manual token, device code run inside n8n,',
	"unattended refresh token) against a local simulator; each workflow lists the company's latest invoices.",
];

const PACKAGE_NAME = 'n8n-nodes-authbridge';
const NODE_TYPE = `${PACKAGE_NAME}.fattureInCloud`;
const SCOPES = ['entity.clients:r', 'issued_documents.invoices:r'];

export type FicCredentialType = 'fattureInCloudOAuth2Api' | 'fattureInCloudApi' | 'fattureInCloudDeviceCodeApi' | 'fattureInCloudRefreshTokenApi';

export const DEMO_IDS: Record<FicCredentialType, string> = {
	fattureInCloudOAuth2Api: 'demoFicOAuth2Crd',
	fattureInCloudApi: 'demoFicManualCrd',
	fattureInCloudDeviceCodeApi: 'demoFicDeviceCrd',
	fattureInCloudRefreshTokenApi: 'demoFicRefreshCd',
};

export const DEMO_NAMES: Record<FicCredentialType, string> = {
	fattureInCloudOAuth2Api: 'Fatture in Cloud OAuth2 (demo simulator)',
	fattureInCloudApi: 'Fatture in Cloud manual token (demo simulator)',
	fattureInCloudDeviceCodeApi: 'Fatture in Cloud device code (demo simulator, auto-approved)',
	fattureInCloudRefreshTokenApi: 'Fatture in Cloud refresh token (demo simulator)',
};

/** The simulator, with a device login that approves itself (nobody is there to approve it in a demo). */
export function createSimulator(): FattureInCloudSimulator {
	const sim = new FattureInCloudSimulator();
	sim.autoApproveDevices = true;
	sim.deviceIntervalSeconds = 1;
	return sim;
}

/**
 * One credential per type (n8n import:credentials objects). The OAuth2 one is not connected: connect it with
 * n8n's own flow (the simulator approves at once), as the demo does for Checkfront.
 */
export function demoCredentials(url: string, sim: FattureInCloudSimulator): object[] {
	const credential = (type: FicCredentialType, data: Record<string, unknown>) => ({ id: DEMO_IDS[type], name: DEMO_NAMES[type], type, data: { baseUrlOverride: url, ...data } });
	return [
		credential('fattureInCloudOAuth2Api', { clientId: sim.clientId, clientSecret: sim.clientSecret, scopes: SCOPES }),
		credential('fattureInCloudApi', { accessToken: sim.issueManualToken(SCOPES) }),
		credential('fattureInCloudDeviceCodeApi', { clientId: sim.deviceClientId, scopes: SCOPES, accessToken: '' }),
		credential('fattureInCloudRefreshTokenApi', {
			clientId: sim.clientId,
			clientSecret: sim.clientSecret,
			refreshToken: sim.issuePair(SCOPES).refresh_token,
			accessToken: '',
		}),
	];
}

const trigger = {
	id: 'f0000000-0000-4000-8000-000000000001',
	name: "When clicking 'Execute workflow'",
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** One workflow per credential: who am I → the company's latest invoices. */
export function demoWorkflows(
	credentialRefs: Partial<Record<FicCredentialType, { id: string; name: string }>> = {},
): Array<{ id: string; name: string; active: boolean; settings: object; nodes: object[]; connections: object }> {
	const types = Object.keys(DEMO_IDS) as FicCredentialType[];
	return types.map((type, index) => {
		const credentials = { [type]: credentialRefs[type] ?? { id: DEMO_IDS[type], name: DEMO_NAMES[type] } };
		const node = (n: number, name: string, x: number, parameters: Record<string, unknown>) => ({
			id: `f0000000-0000-4000-8000-${String(index * 10 + n).padStart(12, '0')}`,
			name,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [x, 0],
			parameters: { authentication: type, ...parameters },
			credentials,
		});
		return {
			id: `demoFicWorkflow${index}`,
			name: `Fatture in Cloud demo: latest invoices (${DEMO_NAMES[type].replace(/^Fatture in Cloud | \(.*$/g, '')})`,
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				trigger,
				node(1, 'Who Am I', 240, { resource: 'user', operation: 'getInfo' }),
				node(2, 'Latest Invoices', 480, { resource: 'issuedDocument', operation: 'getAll', type: 'invoice', returnAll: false, limit: 5 }),
			],
			connections: {
				[trigger.name]: { main: [[{ node: 'Who Am I', type: 'main', index: 0 }]] },
				'Who Am I': { main: [[{ node: 'Latest Invoices', type: 'main', index: 0 }]] },
			},
		};
	});
}
