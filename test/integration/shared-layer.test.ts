import type { IDataObject } from 'n8n-workflow';

import { Harness } from '../harness';
import { ReferenceTokenApi } from '../fixtures/ReferenceTokenApi.credentials';
import { Reference } from '../fixtures/Reference.node';
import { ReferenceSimulator } from '../simulators/reference';
import { resetTokenState } from '../../nodes/shared/tokens';

/** nodes/shared end to end: a node built on it, run by n8n-core, against a loopback simulator. */
describe('shared request layer through n8n-core', () => {
	const sim = new ReferenceSimulator();
	let harness: Harness;
	const run = (parameters: IDataObject, extra: { items?: IDataObject[]; continueOnFail?: boolean } = {}) =>
		harness.run({ type: 'reference', parameters, credentials: { referenceTokenApi: 'c1' }, ...extra });

	beforeAll(() => sim.start());
	afterAll(() => sim.stop());
	beforeEach(() => {
		resetTokenState();
		sim.server.clearLog();
		sim.server.clearFaults();
		harness = new Harness({ credentialTypes: [new ReferenceTokenApi()], nodeTypes: { reference: new Reference() } });
		harness.addCredential('c1', 'referenceTokenApi', { baseUrl: sim.server.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, accessToken: '' });
	});

	describe.each([
		['pagePerPage', '/records/page', 100],
		['limitPage', '/records/limit', 100],
		['headerCursor', '/records/cursor', 100],
		['bodyToken', '/records/token', 100],
	])('Return All with %s', (strategy, path, pageSize) => {
		it('returns exactly all 10,000 records, in order, fetching no page twice', async () => {
			const result = await run({ operation: 'list', path, strategy, returnAll: true });
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(10_000);
			expect(result.items.map((item) => item.json.id)).toEqual(sim.records.map((record) => record.id));
			expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
			const pages = sim.server.requestsTo('GET', path);
			expect(pages).toHaveLength(10_000 / pageSize);
			expect(new Set(pages.map((request) => JSON.stringify(request.query))).size).toBe(pages.length);
		});

		it('stops at the limit', async () => {
			const result = await run({ operation: 'list', path, strategy, returnAll: false, limit: 150 });
			expect(result.items.map((item) => item.json.id)).toEqual(sim.records.slice(0, 150).map((record) => record.id));
			expect(sim.server.requestsTo('GET', path)).toHaveLength(2);
		});
	});

	it('honours Retry-After: the request log shows the gap', async () => {
		sim.server.inject({ kind: 'status', status: 429, headers: { 'Retry-After': '1' }, json: { message: 'slow down' } }, { times: 2, match: (r) => r.path === '/me' });
		const result = await run({ operation: 'get', path: '/me' });
		expect(result.error).toBeUndefined();
		const calls = sim.server.requestsTo('GET', '/me');
		expect(calls).toHaveLength(3);
		expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(950);
		expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(950);
	});

	it('gives up after the bound with a clear error', async () => {
		sim.server.inject({ kind: 'status', status: 503, json: { message: 'maintenance' } }, { times: 50, match: (r) => r.path === '/me' });
		const result = await run({ operation: 'get', path: '/me' });
		expect(sim.server.requestsTo('GET', '/me')).toHaveLength(5);
		expect(result.error?.message).toBe('Reference error 503: maintenance');
		expect(result.error?.description).toMatch(/usually temporary.*Tried 5 times over \d+ s; gave up after 5 attempts \(HTTP 503\)/);
	});

	it('does not resend a POST on 503', async () => {
		sim.server.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '1' } }, { times: 5, match: (r) => r.path === '/things' });
		const result = await run({ operation: 'create', path: '/things', body: '{"name":"x"}' });
		expect(sim.server.requestsTo('POST', '/things')).toHaveLength(1);
		expect(result.error?.description).toMatch(/not safe to send twice/);
	});

	it('redacts a secret the provider echoes back', async () => {
		const result = await run({ operation: 'get', path: '/leaky' }, { continueOnFail: true });
		const everything = JSON.stringify(result.items) + JSON.stringify(result.run.data.resultData);
		expect(result.items[0].json.error).toMatch(/\[redacted\]/);
		expect(everything).not.toContain(sim.apiSecret);
	});

	it.each([
		['html', { kind: 'html' as const }, /error 502: answered with an HTML page instead of JSON/],
		['truncated JSON', { kind: 'truncated' as const }, /malformed \(truncated or invalid\) JSON/],
	])('turns %s into a clear error', async (_, fault, message) => {
		sim.server.inject(fault, { times: 10, match: (r) => r.path === '/me' });
		const result = await run({ operation: 'get', path: '/me' });
		expect(result.error?.message).toMatch(message);
	});

	it('retries a reset connection, then reports it', async () => {
		sim.server.inject({ kind: 'reset' }, { times: 10, match: (r) => r.path === '/me' });
		const result = await run({ operation: 'get', path: '/me' });
		expect(result.error?.message).toMatch(/^Reference: no response \((ECONNRESET|EPIPE|UND_ERR_SOCKET)\)$/);
		expect(sim.server.requestsTo('GET', '/me')).toHaveLength(5);
	});

	it('with Continue On Fail every input item yields exactly one output item', async () => {
		sim.server.inject({ kind: 'status', status: 404, json: { message: 'no such thing' } }, { times: 1, match: (r) => r.path === '/me' });
		const result = await run({ operation: 'get', path: '/me' }, { items: [{ n: 1 }, { n: 2 }, { n: 3 }], continueOnFail: true });
		expect(result.items).toHaveLength(3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json).toMatchObject({ error: 'Reference error 404: no such thing', httpCode: '404' });
		expect(result.items[1].json).toEqual({ id: 1, name: 'reference user' });
	});

	it('refuses a path that would leave the provider host', async () => {
		const result = await run({ operation: 'get', path: '//evil.test/steal' });
		expect(result.error?.message).toMatch(/not a URL/);
		expect(sim.server.requests).toHaveLength(0);
	});

	it('does not follow a redirect to another host with the credential', async () => {
		sim.server.inject({ kind: 'status', status: 301, headers: { Location: 'http://localhost:9/steal' } }, { match: (r) => r.path === '/me' });
		const result = await run({ operation: 'get', path: '/me' });
		expect(result.error?.message).toMatch(/redirected the request to localhost:9.*not followed/);
	});

	it('follows a same-host redirect', async () => {
		sim.server.inject({ kind: 'status', status: 301, headers: { Location: '/me' } }, { match: (r) => r.path === '/old' });
		const result = await run({ operation: 'get', path: '/old' });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ id: 1, name: 'reference user' });
	});
});
