import type { IDataObject } from 'n8n-workflow';

import { Checkfront } from '../../../nodes/Checkfront/Checkfront.node';
import { Fiskaly } from '../../../nodes/Fiskaly/Fiskaly.node';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { ReferenceTokenApi } from '../../fixtures/ReferenceTokenApi.credentials';
import { Reference } from '../../fixtures/Reference.node';
import { Harness } from '../../harness';
import { ReferenceSimulator } from '../../simulators/reference';
import type { RecordedRequest } from '../../simulators/framework';

/**
 * The Concurrency option of the shared per-item loop (execute.ts), through n8n-core against a
 * loopback server whose answers come back out of order. Counts, never timings: how many requests
 * were in flight at once, which item each output item belongs to, which requests were sent.
 */
describe('Concurrency: several items in flight, output as if one after the other', () => {
	const sim = new ReferenceSimulator();
	let harness: Harness;
	let inFlight = 0;
	let maxInFlight = 0;
	/** Item ids the server refuses (400) or answers 503 to. */
	let refused = new Set<string>();
	/** Per id, how long the server holds the answer: later items often answer first. */
	let holdMs: (id: number) => number = () => 0;

	const run = (parameters: IDataObject, options: { items?: IDataObject[]; continueOnFail?: boolean } = {}) =>
		harness.run({ type: 'reference', parameters, credentials: { referenceTokenApi: 'c1' }, ...options });
	const items = (n: number) => Array.from({ length: n }, (_, index) => ({ id: index }));
	const getOne = (concurrency: number) => ({ operation: 'getOne', path: '/slow', id: '={{ $json.id }}', concurrency });
	const slowCalls = () => sim.server.requestsTo('GET', /^\/slow\//);

	beforeAll(async () => {
		sim.server.on('GET', '/slow/:id', async (_request: RecordedRequest, params) => {
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			await new Promise((resolve) => setTimeout(resolve, holdMs(Number(params.id))));
			inFlight--;
			if (refused.has(params.id)) return { status: 400, json: { message: `item ${params.id} is refused` } };
			return { json: { id: Number(params.id), seen: true } };
		});
		await sim.start();
	});
	afterAll(() => sim.stop());
	beforeEach(() => {
		resetTokenState();
		sim.server.clearLog();
		sim.server.clearFaults();
		inFlight = 0;
		maxInFlight = 0;
		refused = new Set();
		holdMs = (id) => ((id * 37) % 11) * 3;
		harness = new Harness({ credentialTypes: [new ReferenceTokenApi()], nodeTypes: { reference: new Reference() } });
		harness.addCredential('c1', 'referenceTokenApi', { baseUrl: sim.server.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, accessToken: '' });
	});

	it.each([1, 4, 8])('concurrency %i: output in input order, pairedItem per input, never more in flight than asked', async (concurrency) => {
		const minted = sim.tokensMinted;
		const result = await run(getOne(concurrency), { items: items(30) });
		expect(result.error).toBeUndefined();
		// The empty token is exchanged once, however many items start together.
		expect(sim.tokensMinted - minted).toBe(1);
		expect(result.items.map((item) => item.json.id)).toEqual(items(30).map((item) => item.id));
		expect(result.items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(items(30).map((item) => item.id));
		expect(slowCalls()).toHaveLength(30);
		expect(maxInFlight).toBe(concurrency);
	});

	it('answers that arrive in reverse order still come out in input order', async () => {
		holdMs = (id) => (10 - id) * 15;
		const result = await run(getOne(10), { items: items(10) });
		const arrival = slowCalls().map((request) => request.path);
		expect(arrival).toHaveLength(10);
		expect(result.items.map((item) => item.json.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('Continue On Fail: exactly one item per input, the error item in the failing input’s place', async () => {
		refused = new Set(['3', '7', '12', '19']);
		const result = await run(getOne(6), { items: items(20), continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(20);
		expect(result.items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(items(20).map((item) => item.id));
		result.items.forEach((item, index) => {
			if (refused.has(String(index))) {
				expect(item.json.error).toMatch(new RegExp(`item ${index} is refused`));
				expect(item.json.id).toBeUndefined();
			} else {
				expect(item.json).toEqual({ id: index, seen: true });
			}
		});
	});

	it('without Continue On Fail: the node stops, starts no new item, reports no success, throws the failing item’s error', async () => {
		refused = new Set(['6']);
		const result = await run(getOne(4), { items: items(40) });
		expect(result.error?.message).toMatch(/item 6 is refused/);
		expect(result.error?.context?.itemIndex).toBe(6);
		expect(result.items).toEqual([]);
		// Item 6 was started after items 0..5; with 4 in flight, at most 3 more were started before its answer came.
		expect(slowCalls().length).toBeLessThanOrEqual(10);
		expect(inFlight).toBe(0);
	});

	it('without Continue On Fail: of two failures, the earlier item’s error is thrown even when it answers last', async () => {
		refused = new Set(['2', '5']);
		holdMs = (id) => (id === 2 ? 150 : 0);
		const result = await run(getOne(4), { items: items(12) });
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(result.error?.message).toMatch(/item 2 is refused/);
	});

	it('calls that are not safe to repeat keep their rule: a POST answered 503 is sent once, under concurrency too', async () => {
		sim.server.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '0' }, json: { message: 'busy' } }, { times: 3, match: (r) => r.path === '/things' });
		const result = await run({ operation: 'create', path: '/things', body: '{"name":"x"}', concurrency: 8 }, { items: items(8), continueOnFail: true });
		expect(sim.server.requestsTo('POST', '/things')).toHaveLength(8);
		expect(result.items).toHaveLength(8);
		const failed = result.items.filter((item) => item.json.error !== undefined);
		expect(failed).toHaveLength(3);
		for (const item of failed) expect(item.json.description).toMatch(/not safe to send twice/);
	});

	it('an out-of-range Concurrency is held within 1..32', async () => {
		const result = await run(getOne(0), { items: items(5) });
		expect(result.items).toHaveLength(5);
		expect(maxInFlight).toBe(1);
	});
});

describe('every provider node has the Concurrency field, built once in nodes/shared', () => {
	it.each([
		['Checkfront', new Checkfront()],
		['fiskaly', new Fiskaly()],
	])('%s', (_name, node) => {
		const field = node.description.properties.find((property) => property.name === 'concurrency');
		expect(field).toMatchObject({ type: 'number', default: 1 });
		expect(field?.displayOptions).toBeUndefined();
	});
});
