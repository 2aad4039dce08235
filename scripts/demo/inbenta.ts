// Inbenta for the demo: the simulator (Auth API and each product API on their own 127.0.0.1 ports), two
// credentials (API secret and domain key) pointing at it through the loopback override, and one workflow: a
// knowledge search, then a chatbot conversation about the answer.
import { InbentaSimulator } from '../../test/simulators/inbenta';
import type { DemoProvider, DemoWorkflow } from './providers';

/** n8n ids: 16 characters (n8n 1.x refuses longer workflow ids). */
export const INBENTA_DEMO_IDS = {
	secretCredential: 'demoInbentaSecrt',
	domainKeyCredential: 'demoInbentaDomKy',
	workflow: 'demoInbentaFlow1',
} as const;

export const INBENTA_DEMO_NAMES = {
	secretCredential: 'Inbenta (demo simulator, API secret)',
	domainKeyCredential: 'Inbenta (demo simulator, domain key)',
	workflow: 'Inbenta demo: knowledge search + chatbot',
} as const;

export function createSimulator(): InbentaSimulator {
	return new InbentaSimulator();
}

/** n8n import:credentials objects; `url` is the simulator's Auth API (sim.auth.url once started). */
export function demoCredentials(url: string, sim: InbentaSimulator): object[] {
	return [
		{
			id: INBENTA_DEMO_IDS.secretCredential,
			name: INBENTA_DEMO_NAMES.secretCredential,
			type: 'inbentaApi',
			data: { flow: 'apiSecret', apiKey: sim.apiKey, apiSecret: sim.apiSecret, baseUrlOverride: url },
		},
		{
			id: INBENTA_DEMO_IDS.domainKeyCredential,
			name: INBENTA_DEMO_NAMES.domainKeyCredential,
			type: 'inbentaApi',
			data: { flow: 'domainKey', apiKey: sim.apiKey, domainKeyToken: sim.domainKey, domain: sim.allowedDomain, baseUrlOverride: url },
		},
	];
}

const secretRef = { id: INBENTA_DEMO_IDS.secretCredential, name: INBENTA_DEMO_NAMES.secretCredential };
const domainKeyRef = { id: INBENTA_DEMO_IDS.domainKeyCredential, name: INBENTA_DEMO_NAMES.domainKeyCredential };

export function demoWorkflows(credentialRefs = { secret: secretRef, domainKey: domainKeyRef }): DemoWorkflow[] {
	const type = 'n8n-nodes-authbridge.inbenta';
	return [
		{
			id: INBENTA_DEMO_IDS.workflow,
			name: INBENTA_DEMO_NAMES.workflow,
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{ id: 'e0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'e0000000-0000-4000-8000-000000000002',
					name: 'Search Knowledge',
					type,
					typeVersion: 1,
					position: [240, 0],
					parameters: { resource: 'knowledge', operation: 'search', query: 'password', limit: 2 },
					credentials: { inbentaApi: credentialRefs.secret },
				},
				{
					id: 'e0000000-0000-4000-8000-000000000003',
					name: 'Ask Chatbot',
					type,
					typeVersion: 1,
					position: [480, 0],
					parameters: { resource: 'chatbot', operation: 'sendMessage', message: '={{ "Tell me more about: " + $json.title }}' },
					credentials: { inbentaApi: credentialRefs.domainKey },
				},
			],
			connections: {
				Start: { main: [[{ node: 'Search Knowledge', type: 'main', index: 0 }]] },
				'Search Knowledge': { main: [[{ node: 'Ask Chatbot', type: 'main', index: 0 }]] },
			},
			resultNode: 'Ask Chatbot',
		},
	];
}

export const inbentaDemo: DemoProvider = {
	name: 'Inbenta',
	// the Auth API; the product APIs get free ports (they are discovered from the /auth answer, never typed)
	preferredPort: 5693,
	create() {
		const sim = createSimulator();
		let started = false;
		return {
			simulator: {
				// the simulator starts its four servers together (ephemeral ports): a preferred port is not used
				start: async () => {
					if (!started) await sim.start();
					started = true;
					return sim.auth.url;
				},
				servers: () => sim.servers(),
				stop: () => sim.stop(),
			},
			credentials: (url) => demoCredentials(url, sim),
			workflows: () => demoWorkflows(),
			printout: () => [
				`- Workflow "${INBENTA_DEMO_NAMES.workflow}": the API-secret credential authenticates`,
				`  (product URLs from the /auth answer: knowledge ${sim.knowledge.url}, chatbot ${sim.chatbot.url}),`,
				'  searches the knowledge base; the chatbot answers about the first result (public domain-key credential).',
			],
			picker: {
				kind: 'loadOptions',
				nodeType: 'n8n-nodes-authbridge.inbenta',
				methodName: 'getProducts',
				path: 'parameters.product',
				currentNodeParameters: { resource: 'customApiCall', operation: 'call' },
				credentials: { inbentaApi: secretRef },
				expected: () => Object.keys(sim.apis()),
			},
		};
	},
};
