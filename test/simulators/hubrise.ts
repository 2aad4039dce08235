import { request as httpRequest } from 'node:http';

import { hmacSignature } from '../../nodes/shared/signatures';
import { basicOf, newToken, SimulatorServer } from './framework';
import type { RecordedRequest, Reply } from './framework';

/**
 * HubRise API v1 and OAuth server on 127.0.0.1 (one port: /oauth2/v1 and /v1), following
 * shared/seeds/hubrise-authentication.txt and shared/docs/providers*.md.
 *
 * - OAuth: GET /oauth2/v1/authorize approves at once: a web redirect_uri gets a 302 with code and
 *   state; `urn:ietf:wg:oauth:2.0:oob` gets a page showing the code. POST /oauth2/v1/token takes
 *   `code` in the form body and the client id/secret as HTTP Basic OR in the body (both accepted,
 *   counted in `clientAuthSeen`); codes expire after 10 minutes of the simulator clock and are
 *   single-use (404 `not_found` otherwise, as HR-rb reads it); a bad client is a 401.
 * - Tokens never expire; `revoke(token)` blocks a connection (401 `unauthorized`).
 * - API: the token only in `X-Access-Token` (a token in the query string is refused); scopes are
 *   enforced by level (location / account) and resource right (write implies read).
 * - Lists: `count` (max 100) + `cursor`, next cursor in `X-Cursor-Next`.
 * - Rate limits per connection in fixed minute/hour/day windows (`limits`), 429 with or without
 *   Retry-After (`sendRetryAfter`).
 * - Callbacks: one per connection; `emit()` records an event (as another client's change would);
 *   with a URL set it is POSTed there signed (`X-HubRise-Hmac-SHA256`, hex HMAC-SHA256 of the raw
 *   body with the client secret), or forged on request; passive events via /callback/events.
 */

const API = '/v1';
const OAUTH = '/oauth2/v1';
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface Connection {
	token: string;
	clientId: string;
	level: 'location' | 'account' | 'none';
	permissions: Set<string>;
	accountId: string;
	locationId: string;
	catalogId: string;
	customerListId: string;
	revoked: boolean;
	callback: { url: string | null; events: Record<string, string[]> } | null;
	events: Array<Record<string, unknown>>;
	/** Requests per window start, for the rate limits. */
	windows: Map<string, number>;
}

interface Code {
	clientId: string;
	scope: string;
	issuedAt: number;
	used: boolean;
}

type Rec = Record<string, unknown>;

export function parseScope(scope: string): { level: Connection['level']; permissions: Set<string>; general: string[] } {
	const match = /^(location|account)\[([^\]]*)\]/.exec(scope);
	const rest = (match ? scope.slice(match[0].length) : scope).split(',').filter(Boolean);
	return {
		level: match ? (match[1] as 'location' | 'account') : 'none',
		permissions: new Set(match ? match[2].split(',').filter(Boolean) : []),
		general: rest,
	};
}

function hubriseError(status: number, errorType: string, message: string, errors?: Rec[]): Reply {
	return { status, json: { error_type: errorType, message, ...(errors ? { errors } : {}) } };
}

export class HubRiseSimulator {
	readonly server = new SimulatorServer('hubrise');
	readonly clientId = '407408718192.clients.hubrise.com';
	readonly clientSecret = 'hr_client_secret_Qx7T2mN9vL4pR8sK';
	readonly accountId = '3r4s3';
	readonly locationIds = ['3r4s3-1', '3r4s3-2'];
	readonly catalogId = 'psmlf';
	readonly customerListId = 'xab66';
	readonly codes = new Map<string, Code>();
	readonly connections = new Map<string, Connection>();
	/** How the client authenticated at the token endpoint, per call. */
	readonly clientAuthSeen: Array<'basic' | 'body'> = [];
	limits = { minute: 500, hour: 2500, day: 10000 };
	sendRetryAfter = true;
	/** Simulator clock offset (ms), so expiry is testable without waiting. */
	private offset = 0;
	orders: Rec[] = [];
	deliveries = new Map<string, Rec>();
	customers: Rec[] = [];
	customerLists: Rec[] = [];
	inventory: Rec[] = [];
	location: Rec = {};
	callbackDeliveries: Array<{ url: string; status: number; signature: string; body: string }> = [];
	private eventCounter = 0;

	constructor() {
		this.reset();
		this.routes();
	}

	now(): number {
		return Date.now() + this.offset;
	}

	advance(seconds: number): void {
		this.offset += seconds * 1000;
	}

	async start(): Promise<string> {
		return await this.server.start();
	}

	async stop(): Promise<void> {
		await this.server.stop();
	}

	reset(orderCount = 25): void {
		this.offset = 0;
		this.codes.clear();
		this.connections.clear();
		this.clientAuthSeen.length = 0;
		this.callbackDeliveries = [];
		this.limits = { minute: 500, hour: 2500, day: 10000 };
		this.sendRetryAfter = true;
		this.server.clearFaults();
		this.server.clearLog();
		this.location = {
			id: this.locationIds[0],
			name: 'Paris',
			account: { id: this.accountId, name: 'Bella Pizza', currency: 'EUR' },
			timezone: { name: 'Europe/Paris' },
			cutoff_time: '06:00',
			preparation_time: 15,
			order_acceptance: { mode: 'online' },
			custom_fields: {},
		};
		const statuses = ['new', 'accepted', 'completed', 'cancelled'];
		this.orders = Array.from({ length: orderCount }, (_, index) => ({
			id: `ord${String(index + 1).padStart(5, '0')}`,
			location_id: this.locationIds[index % 7 === 6 ? 1 : 0],
			status: statuses[index % statuses.length],
			created_at: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
			customer_id: index % 3 === 0 ? 've343' : null,
			total: '18.90 EUR',
			seller_notes: null,
			items: [{ id: `it${index}`, product_name: 'Margarita', sku_ref: 'MAR-SM', price: '9.00 EUR', quantity: '2', deleted: false }],
		}));
		this.deliveries.clear();
		this.customerLists = [
			{ id: this.customerListId, name: 'Online customers', account_id: this.accountId },
			{ id: 'ag8u4', name: 'Loyalty', account_id: this.accountId },
		];
		this.customers = [
			{ id: 've343', customer_list_id: this.customerListId, email: 'jimmy@example.com', first_name: 'Jimmy', phone: '+44123456789', private_ref: 'P-1', anonymised: false },
			{ id: 'jdj9v', customer_list_id: this.customerListId, email: 'ada@example.com', first_name: 'Ada', phone: '+33102030405', private_ref: 'P-2', anonymised: false },
		];
		this.inventory = [
			{ sku_ref: 'MAR-SM', stock: '3', expires_at: null },
			{ sku_ref: 'MAR-LG', stock: '0', expires_at: '2026-12-01T00:00:00+01:00' },
		];
	}

	// --- OAuth -------------------------------------------------------------------------------

	/** A code as HubRise shows it to an installed app (or sends to a web redirect). */
	issueCode(scope = 'location[orders.read]', clientId = this.clientId): string {
		const code = newToken('hr_code');
		this.codes.set(code, { clientId, scope, issuedAt: this.now(), used: false });
		return code;
	}

	/** A connection with an access token, as if the OAuth flow had run. */
	connect(scope = 'location[orders.write,customer_list.write,catalog.write,inventory.write]', clientId = this.clientId): Connection {
		const { level, permissions } = parseScope(scope);
		const token = newToken('hr_at');
		const connection: Connection = {
			token,
			clientId,
			level,
			permissions,
			accountId: this.accountId,
			locationId: level === 'location' ? this.locationIds[0] : '',
			catalogId: this.catalogId,
			customerListId: this.customerListId,
			revoked: false,
			callback: null,
			events: [],
			windows: new Map(),
		};
		this.connections.set(token, connection);
		return connection;
	}

	tokenResponse(connection: Connection): Rec {
		return {
			access_token: connection.token,
			token_type: 'Bearer',
			account_id: connection.accountId,
			location_id: connection.locationId || null,
			catalog_id: connection.catalogId,
			customer_list_id: connection.customerListId,
			account_name: 'Bella Pizza',
			location_name: connection.locationId ? 'Paris' : null,
			catalog_name: 'Web',
			customer_list_name: 'Online customers',
		};
	}

	revoke(token: string): void {
		const connection = this.connections.get(token);
		if (connection) connection.revoked = true;
	}

	tokenRequests(): RecordedRequest[] {
		return this.server.requestsTo('POST', `${OAUTH}/token`);
	}

	apiRequests(): RecordedRequest[] {
		return this.server.requests.filter((request) => request.path.startsWith(`${API}/`));
	}

	// --- Callbacks -----------------------------------------------------------------------------

	/** An event on the connection (another client's change); delivered when a callback URL is set. */
	async emit(token: string, event: Rec, options: { forge?: boolean; omitSignature?: boolean } = {}): Promise<Rec> {
		const connection = this.connections.get(token);
		if (!connection) throw new Error('unknown connection');
		this.eventCounter += 1;
		const full: Rec = {
			id: `ev${this.eventCounter}`,
			created_at: new Date(this.now()).toISOString(),
			...event,
		};
		const wanted = connection.callback?.events[String(full.resource_type)] ?? [];
		if (!connection.callback || !wanted.includes(String(full.event_type))) return full;
		connection.events.push(full);
		if (connection.callback.url) {
			const body = JSON.stringify(full);
			const signature = hmacSignature(body, this.clientSecret);
			// A forged delivery: valid JSON changed after signing (an attacker's edit, e.g. another amount), so the
			// receiver's parser accepts it and only the signature check can refuse it.
			const sent = options.forge ? JSON.stringify({ ...full, total: '0.01 EUR' }) : body;
			const status = await this.post(connection.callback.url, sent, options.omitSignature ? undefined : signature);
			this.callbackDeliveries.push({ url: connection.callback.url, status, signature, body: sent });
			// 200-499 acknowledges (and deletes) the event.
			if (status >= 200 && status < 500) connection.events = connection.events.filter((entry) => entry.id !== full.id);
		}
		return full;
	}

	private async post(url: string, body: string, signature: string | undefined): Promise<number> {
		const target = new URL(url);
		if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error(`the simulator only calls loopback URLs, not ${target.hostname}`);
		return await new Promise<number>((resolve) => {
			const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
			if (signature) headers['x-hubrise-hmac-sha256'] = signature;
			const req = httpRequest(target, { method: 'POST', headers, timeout: 20_000 }, (res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			});
			req.on('error', () => resolve(0));
			req.end(body);
		});
	}

	// --- Routing -------------------------------------------------------------------------------

	private authed(handler: (connection: Connection, request: RecordedRequest, params: Record<string, string>) => Reply | Promise<Reply>) {
		return async (request: RecordedRequest, params: Record<string, string>): Promise<Reply> => {
			if (Object.keys(request.query).some((key) => /token/i.test(key))) {
				return hubriseError(401, 'unauthorized', 'Tokens are not accepted in the query string');
			}
			const connection = this.connections.get(request.headers['x-access-token'] ?? '');
			if (!connection) return hubriseError(401, 'unauthorized', 'Invalid access token');
			if (connection.revoked) return hubriseError(401, 'unauthorized', 'The connection has been blocked');
			const limited = this.rateLimit(connection);
			if (limited) return limited;
			return await handler(connection, request, params);
		};
	}

	private rateLimit(connection: Connection): Reply | undefined {
		const now = this.now();
		const windows: Array<[string, number, number]> = [
			['minute', 60_000, this.limits.minute],
			['hour', 3_600_000, this.limits.hour],
			['day', 86_400_000, this.limits.day],
		];
		for (const [name, size] of windows) {
			const key = `${name}:${Math.floor(now / size)}`;
			connection.windows.set(key, (connection.windows.get(key) ?? 0) + 1);
		}
		for (const [name, size, limit] of windows) {
			const start = Math.floor(now / size);
			if ((connection.windows.get(`${name}:${start}`) ?? 0) > limit) {
				const wait = Math.ceil(((start + 1) * size - now) / 1000);
				return {
					status: 429,
					headers: this.sendRetryAfter ? { 'retry-after': String(wait) } : {},
					json: { error_type: 'too_many_requests', message: `Rate limit exceeded (${limit} per ${name})` },
				};
			}
		}
		return undefined;
	}

	private allows(connection: Connection, resource: string, write: boolean): boolean {
		const wanted = [`${resource}.write`, ...(write ? [] : [`${resource}.read`])];
		const broad = resource === 'customer_list' ? 'all_customer_lists' : resource === 'catalog' ? 'all_catalogs' : undefined;
		if (broad) wanted.push(`${broad}.write`, ...(write ? [] : [`${broad}.read`]));
		return wanted.some((permission) => connection.permissions.has(permission));
	}

	private locationAllowed(connection: Connection, locationId: string): boolean {
		if (connection.level === 'location') return locationId === connection.locationId;
		return connection.level === 'account' && this.locationIds.includes(locationId);
	}

	private guard(connection: Connection, resource: string, write: boolean, locationId?: string): Reply | undefined {
		if (connection.level === 'none') return hubriseError(403, 'forbidden', 'This connection has no access-level permission');
		if (resource !== '' && !this.allows(connection, resource, write)) {
			return hubriseError(403, 'forbidden', `Missing permission ${resource}.${write ? 'write' : 'read'}`);
		}
		if (locationId !== undefined && !this.locationAllowed(connection, locationId)) {
			return hubriseError(locationId && this.locationIds.includes(locationId) ? 403 : 404, locationId && this.locationIds.includes(locationId) ? 'forbidden' : 'not_found', 'Location not accessible');
		}
		return undefined;
	}

	/** count + cursor paging; the cursor is an opaque offset. */
	private page(request: RecordedRequest, records: Rec[]): Reply {
		const count = Math.min(100, Math.max(1, Number(request.query.count ?? 100) || 100));
		const offset = request.query.cursor ? Number(Buffer.from(request.query.cursor, 'base64url').toString('utf8').replace('o:', '')) : 0;
		const slice = records.slice(offset, offset + count);
		const headers: Record<string, string> = {};
		if (offset + count < records.length) headers['x-cursor-next'] = Buffer.from(`o:${offset + count}`).toString('base64url');
		return { status: 200, headers, json: slice };
	}

	/** Registers `/v1/locations/:locationId<rest>` and the short form `/v1/location<rest>`. */
	private both(method: string, rest: string, handler: (connection: Connection, request: RecordedRequest, params: Record<string, string>) => Reply | Promise<Reply>): void {
		this.server.on(method, `${API}/locations/:locationId${rest}`, this.authed(handler));
		this.server.on(
			method,
			`${API}/location${rest}`,
			this.authed((connection, request, params) =>
				connection.level === 'location' ? handler(connection, request, { ...params, locationId: connection.locationId }) : hubriseError(404, 'routing_error', 'Short location routes need a location-level token'),
			),
		);
	}

	private routes(): void {
		const s = this.server;
		s.on('GET', `${OAUTH}/authorize`, (request): Reply => {
			const { redirect_uri: redirect, client_id: clientId, scope = '', state } = request.query;
			if (clientId !== this.clientId) return { status: 400, text: 'unknown client' };
			const code = this.issueCode(scope, clientId);
			if (redirect === 'urn:ietf:wg:oauth:2.0:oob') return { status: 200, headers: { 'content-type': 'text/html' }, text: `<p>Copy this code into your application: <code id="code">${code}</code></p>` };
			const to = new URL(redirect);
			to.searchParams.set('code', code);
			if (state !== undefined) to.searchParams.set('state', state);
			return { status: 302, headers: { location: to.toString() } };
		});
		s.on('POST', `${OAUTH}/token`, (request) => {
			const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, string>;
			const basic = basicOf(request);
			const client = basic ?? (body.client_id ? [body.client_id, body.client_secret ?? ''] : undefined);
			if (basic) this.clientAuthSeen.push('basic');
			else if (body.client_id) this.clientAuthSeen.push('body');
			if (!client || client[0] !== this.clientId || client[1] !== this.clientSecret) {
				return hubriseError(401, 'unauthorized', 'Invalid client credentials');
			}
			const code = this.codes.get(body.code ?? '');
			if (!code || code.used || code.clientId !== client[0] || this.now() - code.issuedAt > CODE_LIFETIME_MS) {
				if (code) code.used = true;
				return hubriseError(404, 'not_found', 'Authorization code not found, expired or already used');
			}
			code.used = true;
			return { status: 200, json: this.tokenResponse(this.connect(code.scope, client[0])) };
		});

		// Location and account
		const locationOf = (id: string): Rec => (id === this.locationIds[0] ? this.location : { ...this.location, id, name: 'Lyon' });
		this.both('GET', '', (connection, _request, { locationId }) => this.guard(connection, '', false, locationId) ?? { json: locationOf(locationId) });
		this.both('PATCH', '', (connection, request, { locationId }) => {
			const refused = this.guard(connection, '', false, locationId);
			if (refused) return refused;
			if (locationId === this.locationIds[0]) Object.assign(this.location, request.body as Rec);
			return { json: locationOf(locationId) };
		});
		s.on('GET', `${API}/accounts/:accountId`, this.authed((connection, _r, { accountId }) =>
			connection.level === 'none' ? hubriseError(403, 'forbidden', 'No access') : accountId === this.accountId ? { json: { id: this.accountId, name: 'Bella Pizza', currency: 'EUR' } } : hubriseError(404, 'not_found', 'Account not found')));
		s.on('GET', `${API}/account`, this.authed((connection) =>
			connection.level === 'account' ? { json: { id: this.accountId, name: 'Bella Pizza', currency: 'EUR' } } : hubriseError(404, 'routing_error', 'Short account routes need an account-level token')));

		// Orders and deliveries
		this.both('GET', '/orders', (connection, request, { locationId }) => {
			const refused = this.guard(connection, 'orders', false, locationId);
			if (refused) return refused;
			const q = request.query;
			const records = this.orders.filter(
				(order) =>
					order.location_id === locationId &&
					(!q.status || order.status === q.status) &&
					(!q.customer_id || order.customer_id === q.customer_id) &&
					(!q.after || String(order.created_at) >= new Date(q.after).toISOString()) &&
					(!q.before || String(order.created_at) < new Date(q.before).toISOString()),
			);
			return this.page(request, records);
		});
		this.both('POST', '/orders', (connection, request, { locationId }) => {
			const refused = this.guard(connection, 'orders', true, locationId);
			if (refused) return refused;
			const body = request.body as Rec;
			if (typeof body?.status !== 'string') return hubriseError(422, 'unprocessable_entity', 'Validation failed', [{ field: 'status', message: 'is required' }]);
			const order = { ...body, id: newToken('ord').slice(-8), location_id: locationId, created_at: new Date(this.now()).toISOString(), total: '0.00 EUR' };
			this.orders.push(order);
			return { status: 200, json: order };
		});
		const findOrder = (locationId: string, orderId: string) => this.orders.find((order) => order.id === orderId && order.location_id === locationId);
		this.both('GET', '/orders/:orderId', (connection, _r, { locationId, orderId }) =>
			this.guard(connection, 'orders', false, locationId) ?? (findOrder(locationId, orderId) ? { json: findOrder(locationId, orderId) } : hubriseError(404, 'not_found', 'Order not found')));
		this.both('PATCH', '/orders/:orderId', (connection, request, { locationId, orderId }) => {
			const refused = this.guard(connection, 'orders', true, locationId);
			if (refused) return refused;
			const order = findOrder(locationId, orderId);
			if (!order) return hubriseError(404, 'not_found', 'Order not found');
			Object.assign(order, request.body as Rec);
			return { json: order };
		});
		for (const method of ['GET', 'POST', 'PATCH']) {
			this.both(method, '/orders/:orderId/delivery', (connection, request, { locationId, orderId }) => {
				const refused = this.guard(connection, 'orders', method !== 'GET', locationId);
				if (refused) return refused;
				if (!findOrder(locationId, orderId)) return hubriseError(404, 'not_found', 'Order not found');
				const current = this.deliveries.get(orderId);
				if (method === 'GET') return current ? { json: current } : hubriseError(404, 'not_found', 'No delivery for this order');
				if (method === 'POST' && current) return hubriseError(422, 'unprocessable_entity', 'Validation failed', [{ field: 'delivery', message: 'already exists' }]);
				if (method === 'PATCH' && !current) return hubriseError(404, 'not_found', 'No delivery for this order');
				const next = { id: `dl-${orderId}`, order_id: orderId, location_id: locationId, status: 'pending', ...current, ...(request.body as Rec) };
				this.deliveries.set(orderId, next);
				return { json: next };
			});
		}

		// Customer lists and customers
		this.both('GET', '/customer_lists', (connection, request, { locationId }) => this.guard(connection, 'customer_list', false, locationId) ?? this.page(request, this.visibleLists(connection)));
		s.on('GET', `${API}/accounts/:accountId/customer_lists`, this.authed((connection, request) => this.guard(connection, 'customer_list', false) ?? this.page(request, this.visibleLists(connection))));
		const createList = (connection: Connection, request: RecordedRequest): Reply => {
			const refused = this.guard(connection, 'all_customer_lists', true);
			if (refused && !this.allows(connection, 'customer_list', true)) return refused;
			const name = (request.body as Rec)?.name;
			if (typeof name !== 'string' || name === '') return hubriseError(422, 'unprocessable_entity', 'Validation failed', [{ field: 'name', message: 'is required' }]);
			if (this.customerLists.some((list) => list.name === name)) return hubriseError(422, 'unprocessable_entity', 'Validation failed', [{ field: 'name', message: 'already exists' }]);
			const list = { id: newToken('cl').slice(-6), name, account_id: this.accountId };
			this.customerLists.push(list);
			return { json: list };
		};
		this.both('POST', '/customer_lists', (connection, request, { locationId }) => this.guard(connection, '', false, locationId) ?? createList(connection, request));
		s.on('POST', `${API}/accounts/:accountId/customer_lists`, this.authed((connection, request) => createList(connection, request)));
		s.on('GET', `${API}/customer_lists/:listId`, this.authed((connection, _r, { listId }) => {
			const refused = this.listGuard(connection, listId, false);
			if (refused) return refused;
			const list = this.customerLists.find((entry) => entry.id === listId);
			return list ? { json: list } : hubriseError(404, 'not_found', 'Customer list not found');
		}));
		s.on('GET', `${API}/customer_lists/:listId/customers`, this.authed((connection, request, { listId }) => {
			const refused = this.listGuard(connection, listId, false);
			if (refused) return refused;
			const q = request.query;
			const like = (value: unknown, pattern?: string) =>
				pattern === undefined || new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(String(value ?? ''));
			return this.page(request, this.customers.filter((c) => c.customer_list_id === listId && like(c.email, q.email) && like(c.phone, q.phone) && like(c.private_ref, q.private_ref)));
		}));
		s.on('GET', `${API}/customer_lists/:listId/customers/:customerId`, this.authed((connection, _r, { listId, customerId }) => {
			const refused = this.listGuard(connection, listId, false);
			if (refused) return refused;
			const customer = this.customers.find((c) => c.id === customerId && c.customer_list_id === listId);
			return customer ? { json: customer } : hubriseError(404, 'not_found', 'Customer not found');
		}));
		s.on('POST', `${API}/customer_lists/:listId/customers`, this.authed((connection, request, { listId }) => {
			const refused = this.listGuard(connection, listId, true);
			if (refused) return refused;
			const customer = { ...(request.body as Rec), id: newToken('cu').slice(-6), customer_list_id: listId, anonymised: false };
			this.customers.push(customer);
			return { json: customer };
		}));
		s.on('PATCH', `${API}/customer_lists/:listId/customers/:customerId`, this.authed((connection, request, { listId, customerId }) => {
			const refused = this.listGuard(connection, listId, true);
			if (refused) return refused;
			const customer = this.customers.find((c) => c.id === customerId && c.customer_list_id === listId);
			if (!customer) return hubriseError(404, 'not_found', 'Customer not found');
			Object.assign(customer, request.body as Rec);
			return { json: customer };
		}));

		// Catalogs and inventory
		const catalogs = [{ id: this.catalogId, location_id: this.locationIds[0], name: 'Web', created_at: '2026-01-01T00:00:00+01:00' }];
		this.both('GET', '/catalogs', (connection, request, { locationId }) => this.guard(connection, 'catalog', false, locationId) ?? this.page(request, catalogs));
		s.on('GET', `${API}/accounts/:accountId/catalogs`, this.authed((connection, request) => this.guard(connection, 'catalog', false) ?? this.page(request, catalogs)));
		s.on('GET', `${API}/catalogs/:catalogId`, this.authed((connection, request, { catalogId }) => {
			const refused = this.guard(connection, 'catalog', false);
			if (refused) return refused;
			if (catalogId !== this.catalogId) return hubriseError(404, 'not_found', 'Catalog not found');
			const data = { categories: [{ ref: 'PIZ', name: 'Pizzas' }], products: [{ ref: 'MAR', name: 'Margarita', skus: [{ ref: 'MAR-SM', price: '9.00 EUR' }] }] };
			return { json: { ...catalogs[0], ...(request.query.hide_data === 'true' ? {} : { data }) } };
		}));
		const inventoryRoute = (method: string) => (connection: Connection, request: RecordedRequest, params: Record<string, string>): Reply => {
			const refused = this.guard(connection, 'inventory', method !== 'GET', params.locationId);
			if (refused) return refused;
			if (params.catalogId !== this.catalogId) return hubriseError(404, 'not_found', 'Catalog not found');
			if (method === 'GET') return { json: this.inventory };
			const entries = Array.isArray(request.body) ? (request.body as Rec[]) : [];
			const changed: Rec[] = [];
			for (const entry of entries) {
				const key = entry.sku_ref !== undefined ? 'sku_ref' : 'option_ref';
				const index = this.inventory.findIndex((current) => current[key] === entry[key]);
				if (entry.stock === null) {
					if (index >= 0) this.inventory.splice(index, 1);
				} else if (index >= 0) this.inventory[index] = { ...this.inventory[index], ...entry };
				else this.inventory.push({ expires_at: null, ...entry });
				changed.push(entry);
			}
			return { json: changed };
		};
		for (const method of ['GET', 'PATCH']) {
			s.on(method, `${API}/catalogs/:catalogId/locations/:locationId/inventory`, this.authed(inventoryRoute(method)));
			s.on(method, `${API}/catalogs/:catalogId/location/inventory`, this.authed((connection, request, params) => inventoryRoute(method)(connection, request, { ...params, locationId: connection.locationId })));
		}

		// Callback
		s.on('GET', `${API}/callback`, this.authed((connection) => ({ json: connection.callback ?? { url: null, events: {} } })));
		s.on('POST', `${API}/callback`, this.authed((connection, request) => {
			const body = (request.body ?? {}) as Rec;
			const url = typeof body.url === 'string' ? body.url : null;
			const events = (typeof body.events === 'object' && body.events !== null ? body.events : {}) as Record<string, string[]>;
			connection.callback = { url, events };
			return { json: connection.callback };
		}));
		s.on('DELETE', `${API}/callback`, this.authed((connection) => {
			connection.callback = null;
			connection.events = [];
			return { json: {} };
		}));
		s.on('GET', `${API}/callback/events`, this.authed((connection, request) =>
			this.page(request, connection.events.map(({ new_state: _n, previous_state: _p, ...summary }) => summary))));
		s.on('GET', `${API}/callback/events/:eventId`, this.authed((connection, _r, { eventId }) => {
			const event = connection.events.find((entry) => entry.id === eventId);
			return event ? { json: event } : hubriseError(404, 'not_found', 'Event not found');
		}));
		s.on('DELETE', `${API}/callback/events/:eventId`, this.authed((connection, _r, { eventId }) => {
			const event = connection.events.find((entry) => entry.id === eventId);
			if (!event) return hubriseError(404, 'not_found', 'Event not found');
			connection.events = connection.events.filter((entry) => entry.id !== eventId);
			return { json: event };
		}));
		s.on('GET', `${API}/user`, this.authed(() => ({ json: { id: 'us1', first_name: 'Ada', last_name: 'Lovelace' } })));
	}

	private visibleLists(connection: Connection): Rec[] {
		if (this.allows(connection, 'all_customer_lists', false)) return this.customerLists;
		return this.customerLists.filter((list) => list.id === connection.customerListId);
	}

	private listGuard(connection: Connection, listId: string, write: boolean): Reply | undefined {
		if (connection.level === 'none') return hubriseError(403, 'forbidden', 'No access');
		if (this.allows(connection, 'all_customer_lists', write)) return undefined;
		if (!this.allows(connection, 'customer_list', write)) return hubriseError(403, 'forbidden', `Missing permission customer_list.${write ? 'write' : 'read'}`);
		return listId === connection.customerListId ? undefined : hubriseError(403, 'forbidden', 'Customer list not connected');
	}
}
