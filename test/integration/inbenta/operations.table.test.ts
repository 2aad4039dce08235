import type { IDataObject } from 'n8n-workflow';

import { RESOURCES } from '../../../nodes/Inbenta/actions';
import { expectAuthApplied, expectNoSecret, FLOWS, run, sim } from './setup';

/**
 * Every operation of the Inbenta node, with both flows (API secret, domain key), through n8n-core
 * against the simulator: one row per operation, and a check that no operation lacks a row.
 */

const ROWS: Record<string, { parameters: IDataObject; request: RegExp }> = {
	'chatbot.answerOption': { parameters: { option: '1' }, request: /^POST \/prod\/chatbot\/v1\/conversation\/message$/ },
	'chatbot.getHistory': { parameters: {}, request: /^GET \/prod\/chatbot\/v1\/conversation\/history$/ },
	'chatbot.sendMessage': { parameters: { message: 'hello' }, request: /^POST \/prod\/chatbot\/v1\/conversation\/message$/ },
	'chatbot.startConversation': { parameters: { language: 'en' }, request: /^POST \/prod\/chatbot\/v1\/conversation$/ },
	'chatbot.trackEvent': { parameters: { eventType: 'rate', eventData: '{"code":"rate-2","value":"1"}' }, request: /^POST \/prod\/chatbot\/v1\/tracking\/events$/ },
	'customApiCall.call': { parameters: { product: 'knowledge', method: 'GET', path: '/contents/popular' }, request: /^GET \/prod\/knowledge\/v1\/contents\/popular$/ },
	'knowledge.getCategories': { parameters: { maxDepth: 2 }, request: /^GET \/prod\/knowledge\/v1\/categories$/ },
	'knowledge.getCategoryContents': { parameters: { categoryId: '2' }, request: /^GET \/prod\/knowledge\/v1\/categories\/2\/contents$/ },
	'knowledge.getContent': { parameters: { by: 'slug', slug: 'content-3' }, request: /^GET \/prod\/knowledge\/v1\/contents\/slug\/content-3$/ },
	'knowledge.getPopular': { parameters: { limit: 3 }, request: /^GET \/prod\/knowledge\/v1\/contents\/popular$/ },
	'knowledge.getRelated': { parameters: { contentId: '4' }, request: /^GET \/prod\/knowledge\/v1\/contents\/4\/related$/ },
	'knowledge.search': { parameters: { query: 'password', limit: 2 }, request: /^POST \/prod\/knowledge\/v1\/search$/ },
	'search.federatedSearch': { parameters: { query: 'refund' }, request: /^POST \/prod\/search\/v1\/federated-search$/ },
};

const OPERATIONS = RESOURCES.flatMap((resource) => resource.operations.map((operation) => `${resource.value}.${operation.value}`));

it('has a row for every operation of the node, and no row for an operation it lacks', () => {
	expect(Object.keys(ROWS).sort()).toEqual([...OPERATIONS].sort());
});

describe.each(FLOWS)('every operation with the %s flow', (flow) => {
	const ran: string[] = [];
	afterAll(() => {
		// eslint-disable-next-line no-console
		console.log(`Inbenta (${flow}): ${ran.length} of ${OPERATIONS.length} operations run through n8n-core against the simulator`);
		expect(ran.sort()).toEqual([...OPERATIONS].sort());
	});

	it.each(OPERATIONS)('%s', async (key) => {
		const [resource, operation] = key.split('.');
		const { items, error } = await run(flow, { resource, operation, environment: 'development', userType: 2, ...ROWS[key].parameters });
		expect(error?.message).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		const requests = sim.productRequests();
		const target = requests.filter((request) => ROWS[key].request.test(`${request.method} ${request.path}`));
		expect(target.length).toBeGreaterThan(0);
		for (const request of target) {
			expect(request.headers['x-inbenta-env']).toBe('development');
			expect(request.headers['x-inbenta-user-type']).toBe('2');
		}
		expectAuthApplied(requests);
		// The Auth API was asked once, with the flow's own grant.
		expect(sim.authCalls.filter((call) => call.path === '/auth').map((call) => call.grant)).toEqual([flow]);
		expectNoSecret(items);
		ran.push(key);
	});
});

it('returns what each operation asked for', async () => {
	const search = await run('apiSecret', { resource: 'knowledge', operation: 'search', query: 'password', limit: 2 });
	expect(search.items.map((item) => item.json.title)).toEqual(['How do I reset my password (1)', 'How do I reset my password (5)']);
	const content = await run('apiSecret', { resource: 'knowledge', operation: 'getContent', by: 'id', contentId: '7' });
	expect(content.items.map((item) => item.json.slug)).toEqual(['content-7']);
	const categories = await run('apiSecret', { resource: 'knowledge', operation: 'getCategoryContents', categoryId: '1', limit: 2 });
	expect(categories.items).toHaveLength(2);
	const federated = await run('apiSecret', { resource: 'search', operation: 'federatedSearch', query: 'refund', limit: 2 });
	expect(federated.items.map((item) => item.json.highlightedTitle)).toEqual(['<em>refund</em> result 1', '<em>refund</em> result 2']);
});
