import type { IDataObject } from 'n8n-workflow';

import type { FiskalyFamily } from '../../../nodes/Fiskaly/auth';
import { Fiskaly } from '../../../nodes/Fiskaly/Fiskaly.node';
import { FiskalySimulator } from '../../simulators/fiskaly';
import { FiskalyRig, visibleText } from './setup';

/** Every family's token exchange, the unified headers, and each operation of the node at least once. */

const sim = new FiskalySimulator({ tssCount: 250, systemCount: 120 });
beforeAll(() => sim.start());
afterAll(() => sim.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("every family's token exchange, executed through n8n-core", () => {
	const cases: Array<[FiskalyFamily, string, string, (body: unknown) => void]> = [
		['signDe', '/api/v2/auth', '/tss', (body) => expect(body).toEqual({ api_key: sim.apiKey, api_secret: sim.apiSecret })],
		['signAt', '/api/v1/auth', '/signature-creation-unit', (body) => expect(body).toEqual({ api_key: sim.apiKey, api_secret: sim.apiSecret })],
		['dsfinvk', '/api/v1/auth', '/cash_registers', (body) => expect(body).toEqual({ api_key: sim.apiKey, api_secret: sim.apiSecret })],
		['eReceipt', '/api/v1/auth', '/receipts', (body) => expect(body).toEqual({ api_key: sim.apiKey, api_secret: sim.apiSecret })],
		['management', '/api/v0/auth', '/organizations', (body) => expect(body).toEqual({ api_key: sim.apiKey, api_secret: sim.apiSecret })],
		['signEs', '/api/v1/auth', '/taxpayer', (body) => expect(body).toEqual({ content: { api_key: sim.apiKey, api_secret: sim.apiSecret } })],
		['unified', '/tokens', '/systems', (body) => expect(body).toEqual({ content: { type: 'API_KEY', key: sim.apiKey, secret: sim.apiSecret } })],
	];

	it.each(cases)('%s: POST %s, tokens persisted and read back, then used', async (family, tokenPath, readPath, checkBody) => {
		const rig = new FiskalyRig(sim, family);
		if (family === 'signEs') await rig.run({ resource: 'esTaxpayer', operation: 'createOrUpdate', content: '{"territory":"SPAIN_OTHER"}' });
		const result = await rig.run({ resource: 'customApiCall', operation: 'call', method: 'GET', path: readPath });
		expect(result.error).toBeUndefined();
		const tokenCalls = sim.server.requestsTo('POST', tokenPath);
		expect(tokenCalls).toHaveLength(1);
		checkBody(tokenCalls[0].body);
		const stored = rig.stored();
		expect(stored.accessToken).toMatch(/^fsk_at_/);
		expect(Date.parse(String(stored.accessTokenExpiresAt))).toBeGreaterThan(Date.now() + 23 * 3600_000);
		if (family === 'unified') {
			expect(stored.refreshToken).toBe('');
		} else {
			expect(stored.refreshToken).toMatch(/^fsk_rt_/);
			expect(Date.parse(String(stored.refreshTokenExpiresAt))).toBeGreaterThan(Date.now() + 47 * 3600_000);
		}
		const read = sim.server.requests.filter((request) => request.method === 'GET').slice(-1)[0];
		expect(read.path.endsWith(readPath)).toBe(true);
		expect(read.headers.authorization).toBe(`Bearer ${String(stored.accessToken)}`);
	});

	it('families sharing a base URL (one loopback override) and key still get a token each, in one process', async () => {
		const rig = new FiskalyRig(sim, 'signAt');
		rig.harness.addCredential('es', 'fiskalyApi', { ...rig.stored(), family: 'signEs' });
		rig.harness.addCredential('dk', 'fiskalyApi', { ...rig.stored(), family: 'dsfinvk' });
		await rig.run({ resource: 'customApiCall', operation: 'call', method: 'GET', path: '/signature-creation-unit' });
		for (const [id, parameters] of [
			['es', { resource: 'esTaxpayer', operation: 'createOrUpdate', content: '{}' }],
			['dk', { resource: 'customApiCall', operation: 'call', method: 'GET', path: '/cash_registers' }],
		] as const) {
			const result = await rig.harness.run({ type: 'fiskaly', parameters, credentials: { fiskalyApi: id } });
			expect(result.error).toBeUndefined();
		}
		expect(sim.tokenCalls.map((call) => call.shape)).toEqual(['flat', 'envelope', 'flat']);
		const tokens = ['fk', 'es', 'dk'].map((id) => rig.harness.store.read(id).accessToken);
		expect(new Set(tokens).size).toBe(3);
	});

	it('SIGN ES refreshes with the content envelope', async () => {
		const rig = new FiskalyRig(sim, 'signEs');
		await rig.run({ resource: 'esTaxpayer', operation: 'createOrUpdate', content: '{}' });
		const before = rig.stored();
		sim.expireAccessTokens();
		const result = await rig.run({ resource: 'esTaxpayer', operation: 'get' });
		expect(result.error).toBeUndefined();
		expect(sim.server.requestsTo('POST', '/api/v1/auth').slice(-1)[0].body).toEqual({ content: { refresh_token: before.refreshToken } });
	});

	it('unified API without refresh token: a 401 goes straight to key and secret', async () => {
		const rig = new FiskalyRig(sim, 'unified');
		await rig.run({ resource: 'system', operation: 'getAll', limit: 1 });
		sim.expireAccessTokens();
		sim.tokenCalls.length = 0;
		const result = await rig.run({ resource: 'system', operation: 'getAll', limit: 1 });
		expect(result.error).toBeUndefined();
		expect(sim.tokenCalls.map((call) => `${call.shape}:${call.grant}`)).toEqual(['unified:key']);
	});
});

describe('unified API headers', () => {
	it('sends X-Api-Version everywhere, X-Scope-Identifier when set, and X-Idempotency-Key on POST/PATCH', async () => {
		const rig = new FiskalyRig(sim, 'unified', { apiVersion: '2026-02-03', organizationUnitId: 'unit-42' });
		const created = await rig.run({ resource: 'system', operation: 'create', content: '{"type":"FISCAL_DEVICE"}' });
		expect(created.error).toBeUndefined();
		const systemId = String(created.items[0].json.id);
		await rig.run({ resource: 'system', operation: 'update', systemId, content: '{"state":"INACTIVE"}', idempotencyKey: 'order-1001' });
		await rig.run({ resource: 'system', operation: 'get', systemId });
		const [token, post, patch, get] = sim.server.requests;
		expect(token.path).toBe('/tokens');
		expect(token.headers['x-api-version']).toBe('2026-02-03');
		for (const request of [post, patch, get]) {
			expect(request.headers['x-api-version']).toBe('2026-02-03');
			expect(request.headers['x-scope-identifier']).toBe('unit-42');
		}
		expect(post.headers['x-idempotency-key']).toMatch(UUID);
		expect(patch.headers['x-idempotency-key']).toBe('order-1001');
		expect(get.headers['x-idempotency-key']).toBeUndefined();
		expect(patch.body).toEqual({ content: { state: 'INACTIVE' } });
	});

	it('uses the default X-Api-Version and no scope when none is set; other families get neither header', async () => {
		const unified = new FiskalyRig(sim, 'unified');
		await unified.run({ resource: 'entity', operation: 'get', entityId: 'ent-1' });
		expect(sim.server.requests.map((r) => r.headers['x-api-version'])).toEqual(['2026-05-04', '2026-05-04']);
		expect(sim.server.requests.some((r) => 'x-scope-identifier' in r.headers)).toBe(false);
		const de = new FiskalyRig(sim, 'signDe', { organizationUnitId: 'ignored' });
		await de.run({ resource: 'tss', operation: 'getAll', limit: 1 });
		expect(sim.server.requests.some((r) => 'x-api-version' in r.headers || 'x-scope-identifier' in r.headers)).toBe(false);
	});

	it('a unified POST answered 429 is retried with the same idempotency key', async () => {
		const rig = new FiskalyRig(sim, 'unified');
		await rig.run({ resource: 'entity', operation: 'getAll', limit: 1 });
		sim.server.inject({ kind: 'status', status: 429, headers: { 'Retry-After': '0' }, json: { content: { code: 'E_RATE_LIMIT', message: 'slow down' } } }, {
			times: 1,
			match: (request) => request.method === 'POST' && request.path === '/records',
		});
		const result = await rig.run({ resource: 'record', operation: 'create', content: '{"type":"RECEIPT"}' });
		expect(result.error).toBeUndefined();
		const posts = sim.server.requestsTo('POST', '/records');
		expect(posts).toHaveLength(2);
		expect(posts[0].headers['x-idempotency-key']).toBe(posts[1].headers['x-idempotency-key']);
	});
});

type Step = [string, IDataObject, string, RegExp, ((body: unknown, query: Record<string, string>) => void)?];

describe('every operation at least once', () => {
	const TSS = '00000000-0000-4000-8000-000000000001';
	const signDeSteps: Step[] = [
		['tss create', { resource: 'tss', operation: 'create', metadata: '{"metadata":{"store":"B1"}}' }, 'PUT', /^\/api\/v2\/tss\/[0-9a-f-]{36}$/, (body) => expect(body).toEqual({ metadata: { store: 'B1' } })],
		['tss get', { resource: 'tss', operation: 'get', tssId: TSS }, 'GET', new RegExp(`/api/v2/tss/${TSS}$`)],
		['tss getAll', { resource: 'tss', operation: 'getAll', limit: 5 }, 'GET', /^\/api\/v2\/tss$/, (_b, q) => expect(q).toEqual({ limit: '5', offset: '0' })],
		['tss update', { resource: 'tss', operation: 'update', tssId: TSS, fields: '{"description":"x"}' }, 'PATCH', new RegExp(`/tss/${TSS}$`), (body) => expect(body).toEqual({ description: 'x' })],
		['tss initialize', { resource: 'tss', operation: 'initialize', tssId: TSS, state: 'INITIALIZED' }, 'PATCH', new RegExp(`/tss/${TSS}$`), (body) => expect(body).toEqual({ state: 'INITIALIZED' })],
		['client create', { resource: 'client', operation: 'create', tssId: TSS, clientId: 'c-1', serialNumber: 'SN-1' }, 'PUT', new RegExp(`/tss/${TSS}/client/c-1$`), (body) => expect(body).toEqual({ serial_number: 'SN-1' })],
		['client get', { resource: 'client', operation: 'get', tssId: TSS, clientId: 'c-1' }, 'GET', /\/client\/c-1$/],
		['client getAll', { resource: 'client', operation: 'getAll', tssId: TSS, returnAll: true }, 'GET', /\/client$/],
		['tx start', { resource: 'transaction', operation: 'start', tssId: TSS, newTxId: 'tx-1', clientId: 'c-1' }, 'PUT', /\/tx\/tx-1$/, (body, q) => {
			expect(body).toEqual({ state: 'ACTIVE', client_id: 'c-1' });
			expect(q).toEqual({ tx_revision: '1' });
		}],
		['tx update', { resource: 'transaction', operation: 'update', tssId: TSS, txId: 'tx-1', clientId: 'c-1', txRevision: 2 }, 'PUT', /\/tx\/tx-1$/, (_b, q) => expect(q).toEqual({ tx_revision: '2' })],
		['tx finish', { resource: 'transaction', operation: 'finish', tssId: TSS, txId: 'tx-1', clientId: 'c-1', txRevision: 3, transactionData: '{"schema":{"standard_v1":{"receipt":{"receipt_type":"RECEIPT"}}}}' }, 'PUT', /\/tx\/tx-1$/, (body, q) => {
			expect(body).toEqual({ state: 'FINISHED', client_id: 'c-1', schema: { standard_v1: { receipt: { receipt_type: 'RECEIPT' } } } });
			expect(q).toEqual({ tx_revision: '3' });
		}],
		['tx get', { resource: 'transaction', operation: 'get', tssId: TSS, txId: 'tx-1' }, 'GET', /\/tx\/tx-1$/],
		['tx getAll', { resource: 'transaction', operation: 'getAll', tssId: TSS, returnAll: true }, 'GET', /\/tss\/[^/]+\/tx$/],
		['custom', { resource: 'customApiCall', operation: 'call', method: 'GET', path: `/tss/${TSS}`, query: { values: [{ name: 'x', value: '1' }] } }, 'GET', new RegExp(`/tss/${TSS}$`), (_b, q) => expect(q).toEqual({ x: '1' })],
	];
	const signEsSteps: Step[] = [
		['taxpayer put', { resource: 'esTaxpayer', operation: 'createOrUpdate', content: '{"territory":"SPAIN_OTHER"}' }, 'PUT', /^\/api\/v1\/taxpayer$/, (body) => expect(body).toEqual({ content: { territory: 'SPAIN_OTHER' } })],
		['taxpayer get', { resource: 'esTaxpayer', operation: 'get' }, 'GET', /\/taxpayer$/],
		['signer create', { resource: 'esSigner', operation: 'create', newSignerId: 's-1' }, 'PUT', /\/signers\/s-1$/],
		['signer get', { resource: 'esSigner', operation: 'get', signerId: 's-1' }, 'GET', /\/signers\/s-1$/],
		['signer getAll', { resource: 'esSigner', operation: 'getAll', returnAll: true }, 'GET', /\/signers$/],
		['client create', { resource: 'esClient', operation: 'create', newClientId: 'k-1', signerId: 's-1' }, 'PUT', /\/clients\/k-1$/, (body) => expect(body).toEqual({ content: { signer: { id: 's-1' } } })],
		['client get', { resource: 'esClient', operation: 'get', clientId: 'k-1' }, 'GET', /\/clients\/k-1$/],
		['client getAll', { resource: 'esClient', operation: 'getAll', returnAll: true }, 'GET', /\/clients$/],
		['invoice create', { resource: 'esInvoice', operation: 'create', clientId: 'k-1', newInvoiceId: 'i-1', content: '{"type":"SIMPLIFIED"}' }, 'PUT', /\/clients\/k-1\/invoices\/i-1$/],
		['invoice get', { resource: 'esInvoice', operation: 'get', clientId: 'k-1', invoiceId: 'i-1' }, 'GET', /\/invoices\/i-1$/],
		['invoice getAll', { resource: 'esInvoice', operation: 'getAll', clientId: 'k-1', returnAll: true }, 'GET', /\/clients\/k-1\/invoices$/],
	];
	const unifiedSteps: Step[] = [
		['system create', { resource: 'system', operation: 'create', content: '{"type":"FISCAL_DEVICE"}' }, 'POST', /^\/systems$/],
		['system update', { resource: 'system', operation: 'update', systemId: 'sys-1', content: '{"state":"ACTIVE"}' }, 'PATCH', /^\/systems\/sys-1$/],
		['system get', { resource: 'system', operation: 'get', systemId: 'sys-1' }, 'GET', /^\/systems\/sys-1$/],
		['system getAll', { resource: 'system', operation: 'getAll', limit: 3 }, 'GET', /^\/systems$/, (_b, q) => expect(q).toEqual({ limit: '3' })],
		['record create', { resource: 'record', operation: 'create', content: '{"type":"RECEIPT"}' }, 'POST', /^\/records$/, (body) => expect(body).toEqual({ content: { type: 'RECEIPT' } })],
		['record get', { resource: 'record', operation: 'get', recordId: '={{ $json.id }}' }, 'GET', /^\/records\/[0-9a-f-]{36}$/],
		['record getAll', { resource: 'record', operation: 'getAll', returnAll: true }, 'GET', /^\/records$/],
		['entity get', { resource: 'entity', operation: 'get', entityId: 'ent-1' }, 'GET', /^\/entities\/ent-1$/],
		['entity getAll', { resource: 'entity', operation: 'getAll', returnAll: true }, 'GET', /^\/entities$/],
		['subject get', { resource: 'subject', operation: 'get', subjectId: 'sub-1' }, 'GET', /^\/subjects\/sub-1$/],
		['subject getAll', { resource: 'subject', operation: 'getAll', returnAll: true }, 'GET', /^\/subjects$/],
		['custom post', { resource: 'customApiCall', operation: 'call', method: 'POST', path: '/records', jsonBody: '{"content":{"type":"X"}}' }, 'POST', /^\/records$/, (body) => expect(body).toEqual({ content: { type: 'X' } })],
	];

	const covered = new Set<string>();
	async function play(family: FiskalyFamily, steps: Step[]) {
		const rig = new FiskalyRig(sim, family);
		let input: Array<Record<string, unknown>> = [{}];
		for (const [name, parameters, method, path, check] of steps) {
			const before = sim.server.requests.length;
			// The previous step's first output is the input, so a step may refer to it ($json.id).
			const result = await rig.run(parameters, { items: input as never });
			input = [result.items[0]?.json ?? {}];
			expect({ name, error: result.error?.message }).toEqual({ name, error: undefined });
			expect(result.items.length).toBeGreaterThan(0);
			const request = sim.server.requests.slice(before).filter((r) => !['/tokens'].includes(r.path) && !r.path.endsWith('/auth')).slice(-1)[0];
			expect(`${name}: ${request.method} ${path.test(request.path) ? 'path ok' : request.path}`).toBe(`${name}: ${method} path ok`);
			check?.(request.body, request.query);
			covered.add(`${String(parameters.resource)}.${String(parameters.operation)}`);
		}
		return rig;
	}

	it('SIGN DE v2', async () => {
		await play('signDe', signDeSteps);
	});
	it('SIGN ES', async () => {
		await play('signEs', signEsSteps);
	});
	it('unified API', async () => {
		await play('unified', unifiedSteps);
	});

	it('no operation of the node is left out', () => {
		const declared = new Fiskaly().description.properties
			.filter((property) => property.name === 'operation')
			.flatMap((property) =>
				(property.options as Array<{ value: string }>).map((option) => `${String(property.displayOptions?.show?.resource?.[0])}.${option.value}`),
			);
		expect(declared.filter((operation) => !covered.has(operation))).toEqual([]);
		// eslint-disable-next-line no-console
		console.log(`fiskaly: ${covered.size} of ${declared.length} operations run through n8n-core against the simulator`);
		expect(covered.size).toBe(declared.length);
	});
});

describe('pagination per family', () => {
	it('SIGN DE pages with limit/offset until a short page', async () => {
		const rig = new FiskalyRig(sim, 'signDe');
		const total = sim.tss.size; // 250 seeded, plus any created by other tests
		const all = await rig.run({ resource: 'tss', operation: 'getAll', returnAll: true });
		expect(all.items).toHaveLength(total);
		expect(new Set(all.items.map((item) => item.json._id)).size).toBe(total);
		const pages = Math.floor(total / 100) + 1; // the last page is the first short (or empty) one
		expect(sim.server.requestsTo('GET', '/api/v2/tss').map((r) => r.query)).toEqual(
			Array.from({ length: pages }, (_, page) => ({ limit: '100', offset: String(page * 100) })),
		);
		sim.server.clearLog();
		const some = await rig.run({ resource: 'tss', operation: 'getAll', limit: 120 });
		expect(some.items).toHaveLength(120);
		expect(sim.server.requestsTo('GET', '/api/v2/tss')).toHaveLength(2);
	});

	it('the unified API pages with limit/token', async () => {
		const rig = new FiskalyRig(sim, 'unified');
		const all = await rig.run({ resource: 'system', operation: 'getAll', returnAll: true });
		expect(all.items.length).toBeGreaterThanOrEqual(120);
		const queries = sim.server.requestsTo('GET', '/systems').map((r) => r.query);
		expect(queries[0]).toEqual({ limit: '100' });
		expect(queries[1]).toEqual({ limit: '100', token: 'pt-100' });
		expect(queries).toHaveLength(2);
	});
});

describe('errors and refusals', () => {
	it('flat error bodies become clear messages', async () => {
		const rig = new FiskalyRig(sim, 'signDe');
		const result = await rig.run({ resource: 'tss', operation: 'get', tssId: 'missing' });
		expect(result.error?.message).toBe('fiskaly error 404 (E_NOT_FOUND): Resource not found');
	});

	it('SIGN ES / unified content error bodies become clear messages', async () => {
		const rig = new FiskalyRig(sim, 'signEs');
		const result = await rig.run({ resource: 'esSigner', operation: 'get', signerId: 'nope' });
		expect(result.error?.message).toBe('fiskaly error 404 (E_NOT_FOUND): Resource not found');
	});

	it('a stale tx_revision becomes a 409 with advice', async () => {
		const rig = new FiskalyRig(sim, 'signDe');
		await rig.run({ resource: 'transaction', operation: 'start', tssId: 't', newTxId: 'rev', clientId: 'c' });
		const result = await rig.run({ resource: 'transaction', operation: 'update', tssId: 't', txId: 'rev', clientId: 'c', txRevision: 5 });
		expect(result.error?.message).toMatch(/409 \(E_TX_REVISION\)/);
		expect(result.error?.description).toMatch(/tx_revision/);
	});

	it('a resource of another family is refused before any request', async () => {
		const rig = new FiskalyRig(sim, 'signEs');
		const result = await rig.run({ resource: 'tss', operation: 'getAll' });
		expect(result.error?.message).toMatch(/"SIGN DE: TSS" needs a SIGN DE v2 credential, but the fiskalyApi credential is set to SIGN ES/);
		expect(sim.server.requests).toHaveLength(0);
	});

	it.each(['https://kassensichv-middleware.fiskaly.com.evil.example', 'http://10.0.0.5:8080', 'http://user:pw@127.0.0.1:1'])(
		'a Base URL Override that is not loopback (%s) is refused; nothing is sent',
		async (override) => {
			const rig = new FiskalyRig(sim, 'signDe', { baseUrlOverride: override });
			const result = await rig.run({ resource: 'tss', operation: 'getAll' }, { items: [{}, {}], continueOnFail: true });
			expect(result.items).toHaveLength(2);
			for (const item of result.items) expect(String(item.json.error)).toMatch(/accepts only a loopback address/);
			expect(sim.server.requests).toHaveLength(0);
			expect(visibleText(result)).not.toContain(sim.apiSecret);
		},
	);

	it('Custom API Call refuses URLs and dot segments in the path', async () => {
		const rig = new FiskalyRig(sim, 'signDe');
		for (const path of ['https://evil.example/x', '//evil.example/x', '/tss/../../x']) {
			const result = await rig.run({ resource: 'customApiCall', operation: 'call', method: 'GET', path });
			expect(result.error?.message).toMatch(/path/i);
		}
		expect(sim.server.requests).toHaveLength(0);
	});

	it('an API answer that echoes the secret is redacted', async () => {
		const rig = new FiskalyRig(sim, 'signDe');
		sim.server.inject(
			{ kind: 'status', status: 400, json: { status_code: 400, error: 'Bad Request', code: 'E_X', message: `secret ${sim.apiSecret} rejected` } },
			{ match: (request) => request.path === '/api/v2/tss' },
		);
		const result = await rig.run({ resource: 'tss', operation: 'getAll' });
		expect(result.error?.message).toMatch(/E_X/);
		expect(visibleText(result)).not.toContain(sim.apiSecret);
	});
});
