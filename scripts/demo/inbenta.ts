// Inbenta for the demo (the lead wires it into demo.ts): the simulator (Auth API and each product API on
// their own 127.0.0.1 ports), two credentials (API secret and domain key) pointing at it through the
// loopback override, and one workflow: a knowledge search, then a chatbot conversation about the answer.
import { InbentaSimulator } from '../../test/simulators/inbenta';

/** For the README's demo section. */
export const README_LINES = [
	'- **Inbenta demo: knowledge search + chatbot** authenticates with the API secret (the product URLs come',
	'  from the /auth answer), searches the knowledge base, then asks the chatbot with the domain-key credential.',
];

export const INBENTA_DEMO_IDS = {
	secretCredential: 'dmInbentaSecret01',
	domainKeyCredential: 'dmInbentaDomain01',
	workflow: 'dmInbentaWorkflow1',
} as const;

export function createSimulator(): InbentaSimulator {
	return new InbentaSimulator();
}

/** n8n import:credentials objects; `url` is the simulator's Auth API (sim.auth.url once started). */
export function demoCredentials(url: string, sim: InbentaSimulator): object[] {
	return [
		{
			id: INBENTA_DEMO_IDS.secretCredential,
			name: 'Inbenta (demo simulator, API secret)',
			type: 'inbentaApi',
			data: { flow: 'apiSecret', apiKey: sim.apiKey, apiSecret: sim.apiSecret, baseUrlOverride: url },
		},
		{
			id: INBENTA_DEMO_IDS.domainKeyCredential,
			name: 'Inbenta (demo simulator, domain key)',
			type: 'inbentaApi',
			data: { flow: 'domainKey', apiKey: sim.apiKey, domainKeyToken: sim.domainKey, domain: sim.allowedDomain, baseUrlOverride: url },
		},
	];
}

export function demoWorkflows(credentialRefs: { secret: { id: string; name: string }; domainKey: { id: string; name: string } }): object[] {
	const type = 'n8n-nodes-authbridge.inbenta';
	return [
		{
			id: INBENTA_DEMO_IDS.workflow,
			name: 'Inbenta demo: knowledge search + chatbot',
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
		},
	];
}
