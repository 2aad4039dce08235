// HubRise for the demo: the simulator (OAuth server and API on one 127.0.0.1 port), both credentials pointing at
// it through the loopback override, and one workflow: the connected location (OAuth2, connected through n8n's
// own flow at startup) and its latest orders (installed-app credential).
//
// The installed-app credential holds an access token pasted from the simulator (a mode the credential offers),
// not a pasted code: codes live 10 minutes, so a code pasted at startup would fail a workflow run later on. The
// printout says how to try the pasted-code flow by hand.
import { HubRiseSimulator } from '../../test/simulators/hubrise';
import { chain, manualTrigger, oneServer } from './parts';
import type { DemoProvider, DemoWorkflow } from './providers';

const NODE_TYPE = 'n8n-nodes-authbridge.hubRise';
/** Least privilege for what the demo does (the OAuth2 credential's scope builder turns it into HubRise syntax). */
const PERMISSIONS = ['orders.read', 'catalog.read', 'customer_list.read'];
const INSTALLED_APP_SCOPE = 'location[orders.read]';

export const HUBRISE_DEMO_IDS = {
	oauth2Credential: 'demoHubRiseOAuth',
	installedAppCredential: 'demoHubRiseAppCr',
	workflow: 'demoHubRiseFlow1',
} as const;

export const HUBRISE_DEMO_NAMES = {
	oauth2Credential: 'HubRise OAuth2 (demo simulator)',
	installedAppCredential: 'HubRise installed app (demo simulator, pasted token)',
	workflow: 'HubRise demo: connected location + latest orders',
} as const;

const oauth2Ref = { id: HUBRISE_DEMO_IDS.oauth2Credential, name: HUBRISE_DEMO_NAMES.oauth2Credential };
const appRef = { id: HUBRISE_DEMO_IDS.installedAppCredential, name: HUBRISE_DEMO_NAMES.installedAppCredential };

/** The authorize URL of the installed-app flow on the simulator (it approves at once and shows the code). */
export function installedAppAuthorizeUrl(url: string, sim: HubRiseSimulator): string {
	const query = new URLSearchParams({ redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', client_id: sim.clientId, scope: INSTALLED_APP_SCOPE });
	return `${url}/oauth2/v1/authorize?${query.toString()}`;
}

export function hubriseDemoCredentials(url: string, sim: HubRiseSimulator): object[] {
	const client = { clientId: sim.clientId, clientSecret: sim.clientSecret, baseUrlOverride: url };
	return [
		{
			...oauth2Ref,
			type: 'hubriseOAuth2Api',
			data: { ...client, accessLevel: 'location', permissions: PERMISSIONS, profile: 'profile' },
		},
		{
			...appRef,
			type: 'hubriseApi',
			// a connection made as the installed-app flow would make it, its token pasted into Access Token
			data: { ...client, customScope: INSTALLED_APP_SCOPE, accessToken: sim.connect(INSTALLED_APP_SCOPE).token, connectionToken: '' },
		},
	];
}

export function hubriseDemoWorkflows(): DemoWorkflow[] {
	const trigger = manualTrigger('b0000000-0000-4000-8000-000000000001');
	const node = (n: number, name: string, x: number, parameters: Record<string, unknown>, credentials: Record<string, { id: string; name: string }>) => ({
		id: `b0000000-0000-4000-8000-00000000010${n}`,
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [x, 0],
		parameters,
		credentials,
	});
	return [
		{
			id: HUBRISE_DEMO_IDS.workflow,
			name: HUBRISE_DEMO_NAMES.workflow,
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				trigger,
				node(1, 'Connected Location (OAuth2)', 240, { authentication: 'hubriseOAuth2Api', resource: 'location', operation: 'get' }, { hubriseOAuth2Api: oauth2Ref }),
				node(
					2,
					'Latest Orders (installed app)',
					480,
					{ authentication: 'hubriseApi', resource: 'order', operation: 'getAll', returnAll: false, limit: 5 },
					{ hubriseApi: appRef },
				),
			],
			connections: chain([trigger.name, 'Connected Location (OAuth2)', 'Latest Orders (installed app)']),
			resultNode: 'Latest Orders (installed app)',
		},
	];
}

export const hubriseDemo: DemoProvider = {
	name: 'HubRise',
	preferredPort: 5692,
	create() {
		const sim = new HubRiseSimulator();
		return {
			simulator: oneServer(sim),
			credentials: (url) => hubriseDemoCredentials(url, sim),
			workflows: hubriseDemoWorkflows,
			connectOAuth2: [HUBRISE_DEMO_IDS.oauth2Credential],
			printout: (url) => [
				`- Workflow "${HUBRISE_DEMO_NAMES.workflow}": the location the OAuth2 credential`,
				'  was connected to (token in X-Access-Token), then its latest orders with the installed-app credential.',
				'  To try the installed app\'s pasted code: open',
				`  ${installedAppAuthorizeUrl(url, sim)}`,
				'  copy the code into the credential\'s Authorization Code, empty Access Token, save, run (codes live 10 min).',
			],
			picker: {
				kind: 'listSearch',
				nodeType: NODE_TYPE,
				methodName: 'searchOrders',
				path: 'parameters.orderId',
				currentNodeParameters: { authentication: 'hubriseOAuth2Api', resource: 'order', operation: 'get' },
				credentials: { hubriseOAuth2Api: oauth2Ref },
				expected: () => {
					const connected = [...sim.connections.values()].find((connection) => connection.clientId === sim.clientId && connection.permissions.has('catalog.read'));
					return sim.orders.filter((order) => order.location_id === connected?.locationId).map((order) => String(order.id));
				},
			},
		};
	},
};
