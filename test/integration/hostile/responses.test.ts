import type { IDataObject } from 'n8n-workflow';

import { REQUEST_LIMITS } from '../../../nodes/shared/request';
import type { Fault } from '../../simulators/framework';
import { allTargets, beforeEachTarget, countItems, countSecrets, fiskaly, startAll, stopAll, tally } from './targets';
import type { Target } from './targets';

/**
 * Malformed and hostile answers through n8n-core against the loopback simulators, for every
 * credential type of the package and for a provider built only from nodes/shared. Each must give
 * items that are objects, one per input at least (Continue On Fail: one per failure), or a bounded
 * error that says what the provider did.
 */
const DEADLINE_MS = 3_000;
const savedDeadline = REQUEST_LIMITS.deadlineMs;

beforeAll(async () => {
	REQUEST_LIMITS.deadlineMs = DEADLINE_MS;
	await startAll();
});
afterAll(async () => {
	REQUEST_LIMITS.deadlineMs = savedDeadline;
	await stopAll();
	// eslint-disable-next-line no-console
	console.log(
		`hostile responses: ${tally.cases} cases, ${tally.itemsIn} input items, ${tally.itemsOut} output items, ${tally.itemsLost} items lost, ${tally.nonObjectJson} non-object json, ${tally.secretsLeaked} secrets leaked; token requests with 401 forever over 10 items: ${JSON.stringify(tokenCounts)}`,
	);
});

const tokenCounts: Record<string, number> = {};
const ITEMS = [{ n: 1 }, { n: 2 }, { n: 3 }];

async function hit(target: Target, fault: Fault, options: { times?: number; items?: IDataObject[] } = {}) {
	target.server.inject(fault, { times: options.times ?? 1000, match: (request) => request.path === target.okPath });
	const items = options.items ?? ITEMS;
	const started = Date.now();
	const result = await target.run(target.custom(target.okCustomPath), items, true);
	tally.cases += 1;
	countItems(result, items.length);
	countSecrets(target, result);
	return { result, json: result.items.map((item) => item.json), ms: Date.now() - started };
}

describe.each(allTargets().map((target) => [target.name, target] as const))('%s', (_name, target) => {
	beforeEach(() => beforeEachTarget(target));

	it.each([
		['an empty 200', { kind: 'empty', status: 200 } as Fault, /answered HTTP 200 with no content/],
		['an empty 204', { kind: 'empty', status: 204 } as Fault, /answered HTTP 204 with no content/],
		['a JSON null body', { kind: 'null' } as Fault, /answered HTTP 200 with a JSON null body/],
		['an empty JSON array', { kind: 'body', json: [] } as Fault, /answered HTTP 200 with an empty list/],
	])('%s becomes one item per input that says so', async (_what, fault, note) => {
		const { json } = await hit(target, fault);
		expect(json).toHaveLength(ITEMS.length);
		for (const entry of json) expect(entry).toEqual({ empty: true, note: expect.stringMatching(note) });
	});

	it('an HTML page instead of JSON gives one error item per input that says so', async () => {
		const { json } = await hit(target, { kind: 'html', status: 200 });
		expect(json).toHaveLength(ITEMS.length);
		for (const entry of json) expect(String(entry.error)).toMatch(/error 200: answered with an HTML page instead of JSON/);
	});

	it('an array of non-objects becomes {value} items, objects stay as they are', async () => {
		const { json } = await hit(target, { kind: 'body', json: [1, 'two', null, [3], { four: 4 }] });
		expect(json).toEqual(ITEMS.flatMap(() => [{ value: 1 }, { value: 'two' }, { value: null }, { value: [3] }, { four: 4 }]));
	});

	it('a body cut mid-stream is retried, then read whole', async () => {
		const { json, result } = await hit(target, { kind: 'cut' }, { times: 1, items: [{}] });
		expect(result.error).toBeUndefined();
		expect(json).toHaveLength(1);
		expect(target.server.requests.filter((request) => request.path === target.okPath)).toHaveLength(2);
	});

	it('an error body with a 50 MB message gives a bounded error', async () => {
		// Reading 50 MB is not what this case is about: give it the real deadline, so a busy machine cannot turn it
		// into the deadline case.
		REQUEST_LIMITS.deadlineMs = savedDeadline;
		const { json } = await hit(target, { kind: 'huge', status: 400, bytes: 50 * 1024 * 1024, prefix: 'refused: ' }, { items: [{}] }).finally(
			() => (REQUEST_LIMITS.deadlineMs = DEADLINE_MS),
		);
		expect(json).toHaveLength(1);
		expect(String(json[0].error)).toMatch(/error 400 \(E_HUGE\): refused: x+… \(\d+ more characters not shown\)/);
		expect(JSON.stringify(json[0]).length).toBeLessThan(2_000);
	}, 120_000);

	it('a response trickling one byte every 500 ms is abandoned at the deadline', async () => {
		const { json, ms } = await hit(target, { kind: 'trickle', everyMs: 500 }, { items: [{}] });
		expect(json).toEqual([expect.objectContaining({ error: expect.stringMatching(/did not finish answering within 3 s; the request was abandoned/) })]);
		expect(ms).toBeLessThan(DEADLINE_MS + 2_500);
		// Not retried: the provider answers, only far too slowly.
		expect(target.server.requests.filter((request) => request.path === target.okPath)).toHaveLength(1);
	});

	it('a provider answering 401 forever costs a bounded number of token requests, not one per item', async () => {
		const items = Array.from({ length: 10 }, (_, n) => ({ n }));
		const { json } = await hit(target, { kind: 'status', status: 401, json: { message: 'no' } }, { items });
		expect(json).toHaveLength(10);
		for (const entry of json) expect(typeof entry.error).toBe('string');
		tokenCounts[target.name] = target.tokenRequests().length;
		expect(target.tokenRequests().length).toBeLessThanOrEqual(3);
	});
});

/** Hostile answers of the credential's own token request: a clear error per item, bounded, no secret, no item lost. */
const TOKEN_FAULTS: Array<[string, Fault]> = [
	['an empty 200', { kind: 'empty', status: 200 }],
	['a JSON null body', { kind: 'null' }],
	['an HTML page (200)', { kind: 'html', status: 200 }],
	['an HTML page (502)', { kind: 'html', status: 502 }],
	['a body cut mid-stream', { kind: 'cut' }],
	['an error with a 5 MB message', { kind: 'huge', status: 400, bytes: 5 * 1024 * 1024, prefix: 'refused: ' }],
	['an answer trickling one byte every 500 ms', { kind: 'trickle', everyMs: 500 }],
];
const exchangeCounts: Record<string, number[]> = {};

describe.each(allTargets().filter((target) => target.exchange).map((target) => [target.name, target] as const))('%s: its own token request', (_name, target) => {
	beforeEach(() => beforeEachTarget(target));
	afterAll(() => {
		// eslint-disable-next-line no-console
		console.log(`hostile token answers, ${target.name}: token requests per 3-item run ${JSON.stringify(exchangeCounts[target.name])}`);
	});

	it.each(TOKEN_FAULTS)('answered with %s: each item gets a clear, bounded error', async (_what, fault) => {
		const exchange = target.exchange as NonNullable<Target['exchange']>;
		exchange.prepare();
		exchange.server.inject(fault, { times: 1000, match: exchange.match });
		const started = Date.now();
		const result = await target.run(target.custom(target.okCustomPath), ITEMS, true);
		exchange.server.clearFaults();
		tally.cases += 1;
		countItems(result, ITEMS.length);
		countSecrets(target, result);
		(exchangeCounts[target.name] ??= []).push(exchange.server.requests.filter(exchange.match).length);
		expect(exchange.server.requests.filter(exchange.match).length).toBeGreaterThanOrEqual(1);
		expect(result.items).toHaveLength(ITEMS.length);
		for (const item of result.items) {
			expect(typeof item.json.error).toBe('string');
			expect(String(item.json.error)).not.toMatch(/^(undefined|null|\[object Object\]|Error)?$/);
			// A 2xx whose body broke off is not "failed with HTTP 200": the message says the answer was cut off.
			expect(String(item.json.error)).not.toMatch(/failed with HTTP 2\d\d/);
			expect(JSON.stringify(item.json).length).toBeLessThan(2_000);
		}
		// Bounded in time too: no wait per item beyond the deadline.
		expect(Date.now() - started).toBeLessThan(ITEMS.length * (DEADLINE_MS + 2_500));
	}, 60_000);
});

describe('the cut-off error, when it never heals (shared parts)', () => {
	const [target] = allTargets();
	beforeEach(() => beforeEachTarget(target));

	it('says the answer was truncated, after the bounded retries', async () => {
		const { json } = await hit(target, { kind: 'cut' }, { items: [{}] });
		expect(json).toEqual([
			expect.objectContaining({ error: 'Reference: the answer was cut off mid-stream (truncated, HTTP 200)', description: expect.stringMatching(/Tried 5 times/) }),
		]);
	});
});

describe('fiskaly token endpoint under pressure', () => {
	const target = allTargets()[1];
	beforeEach(() => beforeEachTarget(target));

	it('429 with Retry-After: honoured, and attempts do not nest (4 in all, not 4 x 5)', async () => {
		fiskaly.server.inject({ kind: 'status', status: 429, headers: { 'Retry-After': '1' }, json: { message: 'slow down' } }, {
			times: 1000,
			match: (request) => request.path === '/api/v2/auth',
		});
		const result = await target.run(target.custom('/tss'), [{}], true);
		tally.cases += 1;
		countItems(result, 1);
		const calls = target.tokenRequests();
		expect(calls).toHaveLength(4);
		for (let index = 1; index < calls.length; index++) expect(calls[index].at - calls[index - 1].at).toBeGreaterThanOrEqual(950);
		expect(result.items[0].json.error).toMatch(/rate-limited the token request/);
	}, 20_000);

	it('a trickling token endpoint is abandoned at the deadline', async () => {
		fiskaly.server.inject({ kind: 'trickle', everyMs: 500 }, { times: 1000, match: (request) => request.path === '/api/v2/auth' });
		const started = Date.now();
		const result = await target.run(target.custom('/tss'), [{}], true);
		tally.cases += 1;
		countItems(result, 1);
		expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 2_500);
		expect(result.items[0].json.error).toMatch(/fiskaly token request failed/);
	});
});
