// Fatture in Cloud for the demo: the simulator, one credential of each of the four types pointing at it through
// the loopback override, and one small workflow per credential (who am I → the company's latest invoices). The
// OAuth2 credential is connected through n8n's own flow at startup; the device-code one waits for a person: its
// first run shows a code and a link to the simulator's approval page (served here, on the simulator's port).
import type { RecordedRequest, Reply } from '../../test/simulators/framework';
import { FattureInCloudSimulator } from '../../test/simulators/fattureincloud';
import { fattureInCloudKeepAliveTemplate } from './keepAlive';
import { keepAliveRunnableNow, manualTrigger } from './parts';
import type { DemoProvider, DemoWorkflow } from './providers';

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
	fattureInCloudDeviceCodeApi: 'Fatture in Cloud device code (demo simulator, approve it yourself)',
	fattureInCloudRefreshTokenApi: 'Fatture in Cloud refresh token (demo simulator)',
};

/** Where the simulator's device-login approval page lives (the `verification_uri` it hands out in the demo). */
export const APPROVAL_PATH = '/connetti';

/**
 * The simulator, with a device-login approval page at APPROVAL_PATH: a person enters (or picks) the code the
 * n8n step showed and approves or denies it, as on Fatture in Cloud's own page. Start it with startSimulator.
 */
export function createSimulator(): FattureInCloudSimulator {
	const sim = new FattureInCloudSimulator();
	sim.deviceIntervalSeconds = 2;
	// a person reads the code in n8n, switches to the page and approves: give them 15 minutes
	sim.deviceLifetimeSeconds = 900;
	sim.server.on('GET', APPROVAL_PATH, (request) => approvalPage(sim, request.query.user_code ?? ''));
	sim.server.on('POST', APPROVAL_PATH, (request) => decide(sim, request));
	return sim;
}

/** Starts the simulator on `port` (0: any) and points its device logins at its own approval page. */
export async function startSimulator(sim: FattureInCloudSimulator, port = 0): Promise<string> {
	const url = await sim.server.start(port);
	sim.verificationUri = `${url}${APPROVAL_PATH}`;
	return url;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (status: number, body: string): Reply => ({
	status,
	headers: { 'content-type': 'text/html; charset=utf-8' },
	text: `<!doctype html><html><head><title>Fatture in Cloud (demo simulator): connect a device</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto">${body}</body></html>`,
});

function pendingCodes(sim: FattureInCloudSimulator): string[] {
	return [...sim.devices.values()].filter((login) => login.status === 'pending' && login.expiresAt > sim.now()).map((login) => login.userCode);
}

function approvalPage(sim: FattureInCloudSimulator, prefilled: string): Reply {
	const pending = pendingCodes(sim);
	const list = pending.length === 0 ? '<p>No device login is waiting: run the n8n step first, it shows the code.</p>' : `<p>Waiting: ${pending.map((code) => `<code>${escapeHtml(code)}</code>`).join(', ')}</p>`;
	return page(
		200,
		'<h1>Connect a device (demo simulator)</h1>' +
			'<p>Enter the code n8n showed, then approve. This page stands in for Fatture in Cloud\'s own.</p>' +
			`<form method="post"><input name="user_code" value="${escapeHtml(prefilled || pending[0] || '')}" autofocus> ` +
			'<button name="decision" value="approved">Approve</button> <button name="decision" value="denied">Deny</button></form>' +
			list,
	);
}

function decide(sim: FattureInCloudSimulator, request: RecordedRequest): Reply {
	const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, string>;
	const code = String(body.user_code ?? '').trim().toUpperCase();
	const decision = body.decision === 'denied' ? 'denied' : 'approved';
	if (!pendingCodes(sim).includes(code)) return page(404, `<p>No device login waits for the code <code>${escapeHtml(code)}</code> (expired, used or mistyped). Run the n8n step again for a new one.</p>`);
	sim.decide(code, decision);
	return page(200, decision === 'approved' ? '<p>Approved. Back in n8n, run the step again: it stores the tokens and runs.</p>' : '<p>Denied. The next run of the n8n step says so.</p>');
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

const trigger = manualTrigger('f0000000-0000-4000-8000-000000000001');

/** What the device-code workflow needs from a person (the editor check skips it). */
export const DEVICE_APPROVAL = 'the device-code login waits for a person to approve it on the simulator\'s page';

/** "Fatture in Cloud demo: latest invoices (manual token)"; the device-code one says it needs a person. */
export function workflowName(type: FicCredentialType): string {
	const how = DEMO_NAMES[type].replace(/^Fatture in Cloud | \(.*$/g, '');
	return `Fatture in Cloud demo: latest invoices (${how})${type === 'fattureInCloudDeviceCodeApi' ? ', needs your approval' : ''}`;
}

/** The keep-alive template bound to the demo's refresh-token credential (imported inactive; Run Now runs it). */
export function keepAliveDemoWorkflow(): DemoWorkflow {
	const template = fattureInCloudKeepAliveTemplate(PACKAGE_NAME);
	const node = template.nodes.find((entry) => entry.type === NODE_TYPE);
	if (node) node.credentials = { fattureInCloudRefreshTokenApi: { id: DEMO_IDS.fattureInCloudRefreshTokenApi, name: DEMO_NAMES.fattureInCloudRefreshTokenApi } };
	return {
		...keepAliveRunnableNow(template, NODE_TYPE, 'f0000000-0000-4000-8000-000000000901'),
		id: 'demoFicKeepAlive',
		name: 'Fatture in Cloud demo: keep the refresh-token connection alive (every 90 days)',
	};
}

/** One workflow per credential: who am I → the company's latest invoices; and the keep-alive. */
export function demoWorkflows(credentialRefs: Partial<Record<FicCredentialType, { id: string; name: string }>> = {}): DemoWorkflow[] {
	return [...invoiceWorkflows(credentialRefs), keepAliveDemoWorkflow()];
}

function invoiceWorkflows(credentialRefs: Partial<Record<FicCredentialType, { id: string; name: string }>>): DemoWorkflow[] {
	const types = Object.keys(DEMO_IDS) as FicCredentialType[];
	return types.map((type, index) => {
		const credentials = { [type]: credentialRefs[type] ?? { id: DEMO_IDS[type], name: DEMO_NAMES[type] } };
		const node = (n: number, name: string, x: number, parameters: Record<string, unknown>) => ({
			id: `f0000000-0000-4000-8000-${String(100 + index * 10 + n).padStart(12, '0')}`,
			name,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [x, 0],
			parameters: { authentication: type, ...parameters },
			credentials,
		});
		return {
			id: `demoFicWorkflow${index}`,
			name: workflowName(type),
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
			resultNode: 'Latest Invoices',
			...(type === 'fattureInCloudDeviceCodeApi' ? { interactive: DEVICE_APPROVAL } : {}),
		};
	});
}

export const fattureInCloudDemo: DemoProvider = {
	name: 'Fatture in Cloud',
	preferredPort: 5694,
	create() {
		const sim = createSimulator();
		const manual = { id: DEMO_IDS.fattureInCloudApi, name: DEMO_NAMES.fattureInCloudApi };
		return {
			simulator: { start: (port) => startSimulator(sim, port), servers: () => [sim.server], stop: () => sim.stop() },
			credentials: (url) => demoCredentials(url, sim),
			workflows: () => demoWorkflows(),
			connectOAuth2: [DEMO_IDS.fattureInCloudOAuth2Api],
			printout: (url) => [
				'- Workflows "Fatture in Cloud demo: latest invoices (...)", one per way to connect, each "who am I" then the',
				'  latest invoices: OAuth2 (connected through n8n at startup), manual token, refresh token (each run rolls it).',
				'- "Fatture in Cloud demo: keep the refresh-token connection alive (every 90 days)": inactive; Run Now renews it.',
				`- "${workflowName('fattureInCloudDeviceCodeApi')}": Execute it; it stops with`,
				'  "open <link> and enter the code WORD-WORD". Open the link (the simulator\'s approval page,',
				`  ${url}${APPROVAL_PATH}), approve the code, then Execute again: the tokens are stored and it runs.`,
			],
			picker: {
				kind: 'listSearch',
				nodeType: NODE_TYPE,
				methodName: 'searchCompanies',
				path: 'parameters.companyId',
				currentNodeParameters: { authentication: 'fattureInCloudApi', resource: 'company', operation: 'getInfo' },
				credentials: { fattureInCloudApi: manual },
				expected: () => sim.companies.map((company) => String(company.id)),
			},
		};
	},
};
