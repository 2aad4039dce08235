import { randomUUID } from 'node:crypto';

import { bearerOf, newToken, SimulatorServer } from './framework';
import type { Fault, RecordedRequest, Reply } from './framework';

/**
 * fiskaly on 127.0.0.1, after shared/docs/providers.md: the three token shapes (flat /auth for SIGN
 * DE v2 (/api/v2), SIGN AT / DSFinV-K / eReceipt (/api/v1) and Management (/api/v0); the SIGN ES
 * `content` envelope on /api/v1/auth; the unified POST /tokens with X-Api-Version), 24 h access and
 * 48 h refresh lifetimes (configurable), refresh by refresh token, optional invalidation of older
 * access tokens when a new one is minted, 429, fault injection for the token endpoints, both error
 * shapes, and the resources the Fiskaly node calls. One server serves every family: families are
 * told apart by path prefix and, on /api/v1/auth, by the body shape.
 */

type Shape = 'flat' | 'envelope' | 'unified';
type Grant = 'key' | 'refresh';

interface IssuedToken {
	kind: 'access' | 'refresh';
	shape: Shape;
	expiresAt: number;
}

export interface TokenCall {
	shape: Shape;
	grant: Grant;
	ok: boolean;
	at: number;
}

const AUTH_PATHS = ['/api/v2/auth', '/api/v1/auth', '/api/v0/auth', '/tokens'];

function shapeOf(request: RecordedRequest): Shape {
	if (request.path === '/tokens') return 'unified';
	const body = request.body as { content?: unknown } | undefined;
	return body && typeof body === 'object' && body.content !== undefined ? 'envelope' : 'flat';
}

function grantOf(request: RecordedRequest): Grant {
	const body = (request.body ?? {}) as { refresh_token?: unknown; content?: { refresh_token?: unknown } };
	return body.refresh_token !== undefined || body.content?.refresh_token !== undefined ? 'refresh' : 'key';
}

export class FiskalySimulator {
	readonly server = new SimulatorServer('fiskaly');
	readonly apiKey = 'test_fiskaly_key_4711';
	readonly apiSecret = 'fiskaly-secret-Zq8-do-not-leak';
	accessLifetimeSeconds = 86_400;
	refreshLifetimeSeconds = 172_800;
	/** When on, minting an access token revokes every older one (a provider that keeps one per key). */
	invalidateOlderTokens = false;
	/** 'disabled' makes key/secret exchanges fail with E_API_KEY_DISABLED. */
	keyState: 'active' | 'disabled' = 'active';
	/** Simulated seconds added to the clock, to let tokens expire without waiting. */
	clockOffsetSeconds = 0;
	readonly tokenCalls: TokenCall[] = [];

	private readonly tokens = new Map<string, IssuedToken>();
	readonly tss = new Map<string, Record<string, unknown>>();
	private readonly clients = new Map<string, Record<string, unknown>>();
	private readonly transactions = new Map<string, Record<string, unknown>>();
	private readonly es = new Map<string, Record<string, unknown>>();
	private readonly unified = new Map<string, Map<string, Record<string, unknown>>>();
	private readonly idempotency = new Map<string, Reply>();

	constructor(options: { tssCount?: number; systemCount?: number } = {}) {
		for (let index = 1; index <= (options.tssCount ?? 0); index++) {
			const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
			this.tss.set(id, { _id: id, state: 'INITIALIZED', description: `tss ${index}`, _type: 'TSS' });
		}
		for (const kind of ['systems', 'records', 'entities', 'subjects']) this.unified.set(kind, new Map());
		for (let index = 1; index <= (options.systemCount ?? 0); index++) {
			const id = `sys-${index}`;
			this.unified.get('systems')?.set(id, { id, type: 'FISCAL_DEVICE', state: 'ACTIVE' });
		}
		this.unified.get('entities')?.set('ent-1', { id: 'ent-1', type: 'COMPANY', name: 'Trattoria Uno' });
		this.unified.get('subjects')?.set('sub-1', { id: 'sub-1', type: 'API_KEY', name: 'pos key' });
		this.routes();
	}

	start(): Promise<string> {
		return this.server.start();
	}

	stop(): Promise<void> {
		return this.server.stop();
	}

	now(): number {
		return Date.now() + this.clockOffsetSeconds * 1000;
	}

	/** Token calls (all, or of one grant/shape) seen so far. */
	tokenCallCount(filter: { grant?: Grant; shape?: Shape } = {}): number {
		return this.tokenCalls.filter((call) => (filter.grant ?? call.grant) === call.grant && (filter.shape ?? call.shape) === call.shape).length;
	}

	/** Requests answered 401 because of the bearer token (not token-endpoint refusals). */
	unauthorisedApiCalls(): number {
		return this.server.requests.filter((request) => !AUTH_PATHS.includes(request.path) && this.rejected.has(request)).length;
	}

	/** Every access token stops working (they expired at fiskaly); refresh tokens stay valid. */
	expireAccessTokens(): void {
		for (const [token, issued] of this.tokens) if (issued.kind === 'access') this.tokens.delete(token);
	}

	/** Expires every access token just before the n-th API request (not token calls) from now (1 = the next one). */
	expireAccessTokensOnRequest(n: number): void {
		this.expireOnApiRequest = n;
	}

	private expireOnApiRequest?: number;

	revokeRefreshTokens(): void {
		for (const [token, issued] of this.tokens) if (issued.kind === 'refresh') this.tokens.delete(token);
	}

	/** Mints an access token directly (as if an earlier run had), for tests that seed a store. */
	issue(shape: Shape = 'flat'): { accessToken: string; refreshToken: string } {
		return { accessToken: this.mintToken('access', shape), refreshToken: this.mintToken('refresh', shape) };
	}

	/** Arms a fault on the token endpoints, optionally only for one grant. */
	failAuth(fault: Fault, options: { times?: number; grant?: Grant } = {}): void {
		this.server.inject(fault, {
			times: options.times,
			match: (request) => request.method === 'POST' && AUTH_PATHS.includes(request.path) && (!options.grant || grantOf(request) === options.grant),
		});
	}

	private readonly rejected = new WeakSet<RecordedRequest>();

	private mintToken(kind: 'access' | 'refresh', shape: Shape): string {
		if (kind === 'access' && this.invalidateOlderTokens) {
			for (const [token, issued] of this.tokens) if (issued.kind === 'access') this.tokens.delete(token);
		}
		const token = newToken(kind === 'access' ? 'fsk_at' : 'fsk_rt');
		const lifetime = kind === 'access' ? this.accessLifetimeSeconds : this.refreshLifetimeSeconds;
		this.tokens.set(token, { kind, shape, expiresAt: this.now() + lifetime * 1000 });
		return token;
	}

	private errorReply(shape: Shape, status: number, code: string, message: string): Reply {
		const error = status === 401 ? 'Unauthorized' : status === 400 ? 'Bad Request' : status === 404 ? 'Not Found' : 'Error';
		if (shape === 'flat') return { status, json: { status_code: status, error, code, message } };
		return { status, json: { content: { code, message, status, error } } };
	}

	private token(request: RecordedRequest): Reply {
		const shape = shapeOf(request);
		const grant = grantOf(request);
		const record = (ok: boolean) => this.tokenCalls.push({ shape, grant, ok, at: Date.now() });
		if (shape === 'unified' && !request.headers['x-api-version']) {
			record(false);
			return this.errorReply(shape, 400, 'E_MISSING_API_VERSION', 'The X-Api-Version header is required');
		}
		const body = (request.body ?? {}) as Record<string, unknown>;
		const content = (body.content ?? {}) as Record<string, unknown>;
		if (grant === 'refresh') {
			if (shape === 'unified') {
				record(false);
				return this.errorReply(shape, 400, 'E_UNSUPPORTED', 'Refresh tokens are not supported');
			}
			const presented = String(shape === 'flat' ? body.refresh_token : content.refresh_token);
			const issued = this.tokens.get(presented);
			if (!issued || issued.kind !== 'refresh' || issued.expiresAt <= this.now()) {
				record(false);
				return this.errorReply(shape, 401, 'E_INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired');
			}
			this.tokens.delete(presented);
		} else {
			const key = shape === 'flat' ? body.api_key : shape === 'envelope' ? content.api_key : content.key;
			const secret = shape === 'flat' ? body.api_secret : shape === 'envelope' ? content.api_secret : content.secret;
			if (shape === 'unified' && content.type !== 'API_KEY') {
				record(false);
				return this.errorReply(shape, 400, 'E_INVALID_TYPE', 'content.type must be API_KEY');
			}
			if (key !== this.apiKey || secret !== this.apiSecret) {
				record(false);
				return this.errorReply(shape, 401, 'E_UNAUTHORIZED', 'Invalid API key or secret');
			}
			if (this.keyState === 'disabled') {
				record(false);
				return this.errorReply(shape, 401, 'E_API_KEY_DISABLED', 'The API key is disabled');
			}
		}
		record(true);
		const access = this.mintToken('access', shape);
		const nowSeconds = Math.floor(this.now() / 1000);
		const accessAt = nowSeconds + this.accessLifetimeSeconds;
		if (shape === 'unified') {
			return {
				json: {
					content: {
						authentication: { type: 'JWT', bearer: access, expires_at: new Date(accessAt * 1000).toISOString(), issued_at: new Date(nowSeconds * 1000).toISOString() },
					},
				},
			};
		}
		const refresh = this.mintToken('refresh', shape);
		const refreshAt = nowSeconds + this.refreshLifetimeSeconds;
		if (shape === 'envelope') {
			return {
				json: {
					content: {
						access_token: { bearer: access, expires_at: accessAt, expires_in: this.accessLifetimeSeconds },
						refresh_token: { bearer: refresh, expires_at: refreshAt, expires_in: this.refreshLifetimeSeconds },
						claims: { environment: 'TEST', organization_id: 'org-1' },
					},
				},
			};
		}
		return {
			json: {
				access_token: access,
				access_token_expires_in: this.accessLifetimeSeconds,
				access_token_expires_at: accessAt,
				refresh_token: refresh,
				refresh_token_expires_in: this.refreshLifetimeSeconds,
				refresh_token_expires_at: refreshAt,
			},
		};
	}

	/** Bearer check (and, for the unified API, X-Api-Version and X-Idempotency-Key). */
	private guard(shape: Shape, next: (request: RecordedRequest, params: Record<string, string>) => Reply) {
		return (request: RecordedRequest, params: Record<string, string>): Reply => {
			if (this.expireOnApiRequest !== undefined && --this.expireOnApiRequest === 0) {
				this.expireOnApiRequest = undefined;
				this.expireAccessTokens();
			}
			const issued = this.tokens.get(bearerOf(request) ?? '');
			if (!issued || issued.kind !== 'access' || issued.expiresAt <= this.now()) {
				this.rejected.add(request);
				return this.errorReply(shape, 401, 'E_UNAUTHORIZED', 'The access token is invalid or expired');
			}
			if (shape !== 'unified') return next(request, params);
			if (!request.headers['x-api-version']) return this.errorReply(shape, 400, 'E_MISSING_API_VERSION', 'The X-Api-Version header is required');
			if (request.method !== 'POST' && request.method !== 'PATCH') return next(request, params);
			const key = request.headers['x-idempotency-key'];
			if (!key) return this.errorReply(shape, 400, 'E_MISSING_IDEMPOTENCY_KEY', 'The X-Idempotency-Key header is required');
			const replay = this.idempotency.get(key);
			if (replay) return { ...replay, headers: { ...replay.headers, 'X-Idempotency-Replayed': 'true' } };
			const reply = next(request, params);
			this.idempotency.set(key, reply);
			return { ...reply, headers: { ...reply.headers, 'X-Idempotency-Replayed': 'false' } };
		};
	}

	private routes(): void {
		const s = this.server;
		for (const path of AUTH_PATHS) s.on('POST', path, (request) => this.token(request));
		const de = (method: string, path: string, handler: (request: RecordedRequest, params: Record<string, string>) => Reply) =>
			s.on(method, `/api/v2${path}`, this.guard('flat', handler));
		const es = (method: string, path: string, handler: (request: RecordedRequest, params: Record<string, string>) => Reply) =>
			s.on(method, `/api/v1${path}`, this.guard('envelope', handler));
		const uni = (method: string, path: string, handler: (request: RecordedRequest, params: Record<string, string>) => Reply) =>
			s.on(method, path, this.guard('unified', handler));

		// The read endpoints the credential test calls for the other flat products.
		for (const path of ['/api/v1/signature-creation-unit', '/api/v1/cash_registers', '/api/v1/receipts', '/api/v0/organizations']) {
			s.on('GET', path, this.guard('flat', () => ({ json: { data: [], count: 0 } })));
		}

		// SIGN DE v2
		de('GET', '/tss', (request) => this.offsetPage([...this.tss.values()], request));
		de('GET', '/tss/:id', (_request, { id }) => this.found(this.tss.get(id), 'flat'));
		de('PUT', '/tss/:id', (request, { id }) => {
			const tss = { _id: id, _type: 'TSS', state: 'CREATED', admin_puk: 'PUK-123456', ...(request.body as object) };
			this.tss.set(id, tss);
			return { json: tss };
		});
		de('PATCH', '/tss/:id', (request, { id }) => this.patch(this.tss, id, request));
		de('GET', '/tss/:tss/client', (request, { tss }) =>
			this.offsetPage([...this.clients.values()].filter((client) => client.tss_id === tss), request),
		);
		de('GET', '/tss/:tss/client/:id', (_request, { tss, id }) => this.found(this.clients.get(`${tss}/${id}`), 'flat'));
		de('PUT', '/tss/:tss/client/:id', (request, { tss, id }) => {
			const client = { _id: id, tss_id: tss, state: 'REGISTERED', ...(request.body as object) };
			this.clients.set(`${tss}/${id}`, client);
			return { json: client };
		});
		de('PATCH', '/tss/:tss/client/:id', (request, { tss, id }) => this.patch(this.clients, `${tss}/${id}`, request));
		de('GET', '/tss/:tss/tx', (request, { tss }) =>
			this.offsetPage([...this.transactions.values()].filter((tx) => tx.tss_id === tss), request),
		);
		de('GET', '/tss/:tss/tx/:id', (_request, { tss, id }) => this.found(this.transactions.get(`${tss}/${id}`), 'flat'));
		de('PUT', '/tss/:tss/tx/:id', (request, { tss, id }) => this.putTransaction(request, tss, id));

		// SIGN ES
		es('GET', '/taxpayer', () => this.found(this.es.get('taxpayer'), 'envelope'));
		es('PUT', '/taxpayer', (request) => this.esPut('taxpayer', request));
		for (const kind of ['signers', 'clients']) {
			es('GET', `/${kind}`, (request) => this.tokenPage(this.esList(`${kind}/`), request));
			es('GET', `/${kind}/:id`, (_request, { id }) => this.found(this.es.get(`${kind}/${id}`), 'envelope'));
			es('PUT', `/${kind}/:id`, (request, { id }) => this.esPut(`${kind}/${id}`, request));
		}
		es('GET', '/clients/:client/invoices', (request, { client }) => this.tokenPage(this.esList(`invoices/${client}/`), request));
		es('GET', '/clients/:client/invoices/:id', (_request, { client, id }) => this.found(this.es.get(`invoices/${client}/${id}`), 'envelope'));
		es('PUT', '/clients/:client/invoices/:id', (request, { client, id }) => this.esPut(`invoices/${client}/${id}`, request));

		// Unified API
		for (const kind of ['systems', 'records', 'entities', 'subjects']) {
			const store = this.unified.get(kind) as Map<string, Record<string, unknown>>;
			uni('GET', `/${kind}`, (request) => this.tokenPage([...store.values()], request));
			uni('GET', `/${kind}/:id`, (_request, { id }) => this.found(store.get(id), 'unified'));
		}
		const systems = this.unified.get('systems') as Map<string, Record<string, unknown>>;
		const records = this.unified.get('records') as Map<string, Record<string, unknown>>;
		uni('POST', '/systems', (request) => this.create(systems, request));
		uni('PATCH', '/systems/:id', (request, { id }) => this.patch(systems, id, request, 'unified'));
		uni('POST', '/records', (request) => this.create(records, request));
	}

	private found(record: Record<string, unknown> | undefined, shape: Shape): Reply {
		if (!record) return this.errorReply(shape, 404, 'E_NOT_FOUND', 'Resource not found');
		return { json: shape === 'envelope' ? { content: record } : record };
	}

	private patch(store: Map<string, Record<string, unknown>>, id: string, request: RecordedRequest, shape: Shape = 'flat'): Reply {
		const existing = store.get(id);
		if (!existing) return this.errorReply(shape, 404, 'E_NOT_FOUND', 'Resource not found');
		const body = (request.body ?? {}) as Record<string, unknown>;
		const update = shape === 'unified' && body.content ? (body.content as Record<string, unknown>) : body;
		Object.assign(existing, update);
		return { json: existing };
	}

	private create(store: Map<string, Record<string, unknown>>, request: RecordedRequest): Reply {
		const body = (request.body ?? {}) as { content?: Record<string, unknown> };
		const id = randomUUID();
		const record = { id, ...(body.content ?? {}) };
		store.set(id, record);
		return { status: 201, json: record };
	}

	private esPut(key: string, request: RecordedRequest): Reply {
		const content = ((request.body ?? {}) as { content?: Record<string, unknown> }).content ?? {};
		const record = { id: key.split('/').pop(), ...content };
		this.es.set(key, record);
		return { json: { content: record } };
	}

	private esList(prefix: string): Array<Record<string, unknown>> {
		return [...this.es.entries()].filter(([key]) => key.startsWith(prefix)).map(([, value]) => value);
	}

	private putTransaction(request: RecordedRequest, tss: string, id: string): Reply {
		const key = `${tss}/${id}`;
		const revision = Number(request.query.tx_revision);
		const existing = this.transactions.get(key);
		const expected = existing ? Number(existing.latest_revision) + 1 : 1;
		if (!Number.isInteger(revision) || revision !== expected) {
			return this.errorReply('flat', 409, 'E_TX_REVISION', `tx_revision must be ${expected}`);
		}
		const body = (request.body ?? {}) as Record<string, unknown>;
		const tx = { ...existing, ...body, _id: id, tss_id: tss, latest_revision: revision, number: existing?.number ?? this.transactions.size + 1 };
		this.transactions.set(key, tx);
		return { json: tx };
	}

	private offsetPage(all: Array<Record<string, unknown>>, request: RecordedRequest): Reply {
		const limit = Math.min(Number(request.query.limit ?? 100), 100);
		const offset = Number(request.query.offset ?? 0);
		const data = all.slice(offset, offset + limit);
		return { json: { data, count: data.length, _type: 'LIST', _env: 'TEST', _version: '2.0.0' } };
	}

	private tokenPage(all: Array<Record<string, unknown>>, request: RecordedRequest): Reply {
		const limit = Math.min(Number(request.query.limit ?? 100), 100);
		const offset = request.query.token ? Number(request.query.token.replace('pt-', '')) : 0;
		const results = all.slice(offset, offset + limit);
		const more = offset + results.length < all.length;
		const token = more ? `pt-${offset + results.length}` : null;
		return { json: { results, pagination: { limit, token, next: token ? `?token=${token}` : null } } };
	}
}
