import { basicOf, bearerOf, newToken, SimulatorServer } from './framework';
import type { RecordedRequest, Reply } from './framework';

/**
 * Checkfront API 3.0 on 127.0.0.1, following shared/docs/providers.md and the seed
 * checkfront-connecting-to-the-api.txt, with response shapes from Checkfront's published examples
 * (shared/data/checkfront-api-examples): list resources are objects keyed by id, and `request`
 * carries records, total_records, limit, page, pages.
 *
 * - Token pair: HTTP Basic key:secret on /api/3.0/*.
 * - OAuth2: GET /oauth/ approves at once and 302-redirects to redirect_uri with a code (valid 60 s);
 *   POST /oauth/token/ takes the consumer key/secret as HTTP Basic only; authorization_code and
 *   refresh_token grants; every refresh returns a new pair and invalidates the previous one; access
 *   tokens live `accessTokenLifetimeSeconds` (14000), refresh tokens `refreshTokenLifetimeSeconds` (14 days).
 *   Consumer key/secret sent to /api/ are rejected, as Checkfront documents.
 * - Time is the simulator's own clock (`advance(seconds)`), so expiry is testable without waiting.
 * - Switches: `expireAccessTokens()`, `expireAccessTokensOnRequest(n)`, `migrateTo(origin)` (301 on
 *   every /api/ request), and the framework's fault injection (503 + Retry-After).
 */

const API = '/api/3.0';

interface AccessToken {
	expiresAt: number;
	refreshToken: string;
}

interface RefreshToken {
	expiresAt: number;
	accessToken: string;
	/** False once used (rotated away) or revoked. */
	live: boolean;
}

interface AuthCode {
	expiresAt: number;
	redirectUri: string;
	used: boolean;
}

export interface BookingRecord {
	booking_id: number;
	code: string;
	status_id: string;
	status_name: string;
	created_date: number;
	start_date: string;
	total: string;
	tax_total: string;
	paid_total: string;
	customer_id: number;
	customer_name: string;
	customer_email: string;
	summary: string;
	date_desc: string;
	tid: string;
	token: string;
}

const STATUSES: Array<[string, string]> = [
	['PEND', 'Pending'],
	['PAID', 'Paid'],
	['HOLD', 'On Hold'],
	['PART', 'Partially Paid'],
];

function envelope(resource: string, extra: Record<string, unknown> = {}, request: Record<string, unknown> = {}) {
	return {
		version: '3.0',
		account_id: 1,
		host_id: 'your-company.checkfront.com',
		name: 'Your Company',
		locale: { id: 'en_US', lang: 'en', currency: 'CAD' },
		request: { status: 'OK', resource, records: 1, limit: 0, page: 1, pages: 1, time: 0.001, method: 'get', ...request },
		...extra,
	};
}

function checkfrontError(status: number, title: string, details = ''): Reply {
	return {
		status,
		json: { version: '3.0', request: { status: 'ERROR', error: { title, details } }, error: { title, details } },
	};
}

export class CheckfrontSimulator {
	readonly server = new SimulatorServer('checkfront');
	readonly apiKey = 'cf-key-3be98641f0745b6fe7dacc2df947adbc';
	readonly apiSecret = 'cf-secret-4c4d598a5d940f08fdb435b69af986c7';
	readonly clientId = 'cf-consumer-key-58dd1a2c';
	readonly clientSecret = 'cf-consumer-secret-9f0e7b3d1c';
	accessTokenLifetimeSeconds = 14000;
	refreshTokenLifetimeSeconds = 14 * 24 * 3600;
	codeLifetimeSeconds = 60;
	/** Seconds added to the real clock by `advance`. */
	private offsetMs = 0;
	accessTokens = new Map<string, AccessToken>();
	refreshTokens = new Map<string, RefreshToken>();
	private readonly codes = new Map<string, AuthCode>();
	bookings: BookingRecord[] = [];
	readonly notes: Array<{ booking: string; body: string }> = [];
	/** Origin that every /api/ request is 301-redirected to, when the account has "migrated". */
	private migration?: string;
	private expireOnApiRequest?: number;
	private refreshGate?: { count: number; release: Array<() => void>; timer: NodeJS.Timeout };

	constructor() {
		this.setBookings(250);
		const s = this.server;
		s.on('GET', '/oauth', (request) => this.authorize(request));
		s.on('POST', '/oauth/token', async (request) => {
			await this.gate(request);
			return this.token(request);
		});
		s.on('GET', `${API}/ping`, (request) => this.api(request, () => this.ping(request)));
		s.on('GET', `${API}/booking/index`, (request) => this.api(request, () => this.bookingIndex(request)));
		s.on('GET', `${API}/booking`, (request) => this.api(request, () => this.bookingIndex(request)));
		s.on('POST', `${API}/booking/session`, (request) => this.api(request, () => this.session(request)));
		s.on('POST', `${API}/booking/create`, (request) => this.api(request, () => this.create(request)));
		s.on('GET', `${API}/booking/:id`, (request, params) => this.api(request, () => this.bookingGet(params.id)));
		s.on('POST', `${API}/booking/:id/update`, (request, params) => this.api(request, () => this.update(request, params.id)));
		s.on('POST', `${API}/booking/:id/note`, (request, params) => this.api(request, () => this.note(request, params.id)));
		s.on('GET', `${API}/customer`, (request) => this.api(request, () => this.customers(request)));
		s.on('GET', `${API}/customer/:id`, (request, params) => this.api(request, () => this.customer(params.id)));
		s.on('GET', `${API}/item`, (request) => this.api(request, () => this.items(request)));
		s.on('GET', `${API}/item/:id`, (request, params) => this.api(request, () => this.item(request, params.id)));
		s.on('GET', `${API}/event`, (request) => this.api(request, () => this.keyedList(request, 'event', 'events', EVENTS)));
		s.on('GET', `${API}/category`, (request) => this.api(request, () => this.keyedList(request, 'category', 'category', CATEGORIES)));
	}

	start(): Promise<string> {
		return this.server.start();
	}

	stop(): Promise<void> {
		return this.server.stop();
	}

	now(): number {
		return Date.now() + this.offsetMs;
	}

	/** Moves the simulator's clock forward. */
	advance(seconds: number): void {
		this.offsetMs += seconds * 1000;
	}

	/** Restores a clean state: clock, tokens, codes, switches, bookings, log, faults. */
	reset(bookings = 250): void {
		this.offsetMs = 0;
		this.accessTokens.clear();
		this.refreshTokens.clear();
		this.codes.clear();
		this.notes.length = 0;
		this.migration = undefined;
		this.expireOnApiRequest = undefined;
		this.openGate();
		this.accessTokenLifetimeSeconds = 14000;
		this.refreshTokenLifetimeSeconds = 14 * 24 * 3600;
		this.setBookings(bookings);
		this.server.clearLog();
		this.server.clearFaults();
	}

	setBookings(count: number): void {
		this.bookings = Array.from({ length: count }, (_, index) => {
			const id = index + 1;
			const [statusId, statusName] = STATUSES[index % STATUSES.length];
			const day = 1 + (index % 28);
			return {
				booking_id: id,
				code: `CFPP-${String(100000 + id)}`,
				status_id: statusId,
				status_name: statusName,
				created_date: 1490854462 + id * 60,
				start_date: `202611${String(day).padStart(2, '0')}`,
				total: '80.40',
				tax_total: '13.40',
				paid_total: statusId === 'PAID' ? '80.40' : '0.00',
				customer_id: 3,
				customer_name: 'Bridgette Hammes',
				customer_email: 'bridgette@example.com',
				summary: 'Walking Tour with a Taste of London',
				date_desc: `Nov ${day}, 2026`,
				tid: '',
				token: `b93eb6589f3ac8bdfca07f26dbe1a73f${String(id).padStart(8, '0')}`,
			};
		});
	}

	/** A connected OAuth2 pair, as if the staff user had gone through the flow. */
	issueTokenPair(): { access_token: string; refresh_token: string; expires_in: number; token_type: string } {
		const accessToken = newToken('cf_at');
		const refreshToken = newToken('cf_rt');
		this.accessTokens.set(accessToken, { expiresAt: this.now() + this.accessTokenLifetimeSeconds * 1000, refreshToken });
		this.refreshTokens.set(refreshToken, {
			expiresAt: this.now() + this.refreshTokenLifetimeSeconds * 1000,
			accessToken,
			live: true,
		});
		return { access_token: accessToken, refresh_token: refreshToken, expires_in: this.accessTokenLifetimeSeconds, token_type: 'bearer' };
	}

	/** Serves the tokens (and bookings) of `other`: the same account answering on a second host. */
	shareAccountWith(other: CheckfrontSimulator): void {
		this.accessTokens = other.accessTokens;
		this.refreshTokens = other.refreshTokens;
		this.bookings = other.bookings;
	}

	/** Every access token issued so far is now expired (refresh tokens stay valid). */
	expireAccessTokens(): void {
		for (const token of this.accessTokens.values()) token.expiresAt = 0;
	}

	/** Expires all access tokens just before the n-th /api/ request from now (1 = the next one). */
	expireAccessTokensOnRequest(n: number): void {
		this.expireOnApiRequest = n;
	}

	/** From now on, every /api/ request answers 301 to the same path on `origin` (or stops, with undefined). */
	migrateTo(origin: string | undefined): void {
		this.migration = origin;
	}

	/**
	 * A deterministic race: refresh grants are held until `count` have arrived (or `maxWaitMs` has
	 * passed), then answered in arrival order, so the first rotates the pair and the others present a
	 * refresh token that was just used.
	 */
	holdRefreshes(count: number, maxWaitMs = 60_000): void {
		const gate = { count, release: [] as Array<() => void>, timer: setTimeout(() => this.openGate(), maxWaitMs) };
		this.refreshGate = gate;
	}

	private openGate(): void {
		const gate = this.refreshGate;
		if (!gate) return;
		this.refreshGate = undefined;
		clearTimeout(gate.timer);
		for (const release of gate.release) release();
	}

	private async gate(request: RecordedRequest): Promise<void> {
		const gate = this.refreshGate;
		if (!gate || (request.body as Record<string, string> | undefined)?.grant_type !== 'refresh_token') return;
		const held = new Promise<void>((resolve) => gate.release.push(resolve));
		if (gate.release.length >= gate.count) this.openGate();
		await held;
	}

	/** Refresh grants seen at the token endpoint, in order. */
	refreshRequests(): RecordedRequest[] {
		return this.server
			.requestsTo('POST', /^\/oauth\/token\/?$/)
			.filter((request) => (request.body as Record<string, string> | undefined)?.grant_type === 'refresh_token');
	}

	// --- OAuth2 -----------------------------------------------------------------------------------

	private authorize(request: RecordedRequest): Reply {
		const { client_id: clientId, response_type: responseType, redirect_uri: redirectUri, state } = request.query;
		if (clientId !== this.clientId) return { status: 400, text: 'Unknown client_id' };
		if (responseType !== 'code') return { status: 400, text: 'response_type must be code' };
		if (!redirectUri) return { status: 400, text: 'redirect_uri is required' };
		const code = newToken('cf_code');
		this.codes.set(code, { expiresAt: this.now() + this.codeLifetimeSeconds * 1000, redirectUri, used: false });
		const target = new URL(redirectUri);
		target.searchParams.set('code', code);
		if (state !== undefined) target.searchParams.set('state', state);
		return { status: 302, headers: { location: target.toString() }, text: '' };
	}

	private token(request: RecordedRequest): Reply {
		const client = basicOf(request);
		if (!client || client[0] !== this.clientId || client[1] !== this.clientSecret) {
			return { status: 401, json: { error: 'invalid_client', error_description: 'Client credentials must be sent as HTTP Basic' } };
		}
		const body = (request.body ?? {}) as Record<string, string>;
		if (body.client_secret !== undefined) {
			return { status: 400, json: { error: 'invalid_request', error_description: 'Send the client secret as HTTP Basic only' } };
		}
		if (body.grant_type === 'authorization_code') {
			const code = this.codes.get(body.code ?? '');
			if (!code || code.used || code.expiresAt < this.now()) {
				return { status: 400, json: { error: 'invalid_grant', error_description: 'Authorization code is invalid or expired' } };
			}
			if (code.redirectUri !== body.redirect_uri) {
				return { status: 400, json: { error: 'invalid_grant', error_description: 'redirect_uri does not match' } };
			}
			code.used = true;
			return { json: this.issueTokenPair() };
		}
		if (body.grant_type === 'refresh_token') {
			const refresh = this.refreshTokens.get(body.refresh_token ?? '');
			if (!refresh || !refresh.live || refresh.expiresAt < this.now()) {
				return { status: 400, json: { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired' } };
			}
			// Rotation: the whole previous pair stops working.
			refresh.live = false;
			this.accessTokens.delete(refresh.accessToken);
			return { json: this.issueTokenPair() };
		}
		return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'grant_type not supported' } };
	}

	// --- API ----------------------------------------------------------------------------------------

	private api(request: RecordedRequest, next: () => Reply): Reply {
		if (this.expireOnApiRequest !== undefined) {
			this.expireOnApiRequest -= 1;
			if (this.expireOnApiRequest === 0) {
				this.expireOnApiRequest = undefined;
				this.expireAccessTokens();
			}
		}
		if (this.migration) {
			const query = new URLSearchParams(request.query).toString();
			return { status: 301, headers: { location: `${this.migration}${request.path}${query ? `?${query}` : ''}` }, text: '' };
		}
		if (request.query.access_token !== undefined) {
			return checkfrontError(400, 'Access token in the query string is not accepted by this simulator');
		}
		const basic = basicOf(request);
		if (basic) {
			if (basic[0] === this.apiKey && basic[1] === this.apiSecret) return next();
			if (basic[0] === this.clientId) return checkfrontError(401, 'Consumer key and secret may only be sent to /oauth/token/');
			return checkfrontError(401, 'Invalid API key or secret');
		}
		const bearer = bearerOf(request);
		const token = bearer ? this.accessTokens.get(bearer) : undefined;
		if (!token || token.expiresAt < this.now()) {
			return { status: 401, json: { error: 'invalid_token', error_description: 'The access token provided is invalid or has expired' } };
		}
		return next();
	}

	private paging(request: RecordedRequest) {
		const limit = Math.max(1, Math.min(Number(request.query.limit ?? 100) || 100, 250));
		const page = Math.max(1, Number(request.query.page ?? 1) || 1);
		return { limit, page };
	}

	/** A keyed list page with Checkfront's `request` bookkeeping. */
	private page<T>(request: RecordedRequest, resource: string, key: string, records: T[], idOf: (record: T) => string): Reply {
		const { limit, page } = this.paging(request);
		const slice = records.slice((page - 1) * limit, page * limit);
		const keyed = Object.fromEntries(slice.map((record) => [idOf(record), record]));
		return {
			json: envelope(
				resource,
				{ [key]: keyed },
				{ records: slice.length, total_records: records.length, limit, page, pages: Math.max(1, Math.ceil(records.length / limit)) },
			),
		};
	}

	private ping(request: RecordedRequest): Reply {
		return {
			json: envelope('ping', {
				pong: { remote_addr: '127.0.0.1', time: Math.floor(this.now() / 1000), timezone: 'Canada/Pacific', provider: basicOf(request) ? 'Token' : 'OAuth2' },
			}),
		};
	}

	private bookingIndex(request: RecordedRequest): Reply {
		const { status_id: statusId, start_date: start, end_date: end } = request.query;
		const records = this.bookings.filter(
			(booking) =>
				(!statusId || booking.status_id === statusId) &&
				(!start || booking.start_date >= start) &&
				(!end || booking.start_date <= end),
		);
		return this.page(request, 'booking', 'booking/index', records, (booking) => String(booking.booking_id));
	}

	private findBooking(id: string): BookingRecord | undefined {
		return this.bookings.find((booking) => booking.code === id || String(booking.booking_id) === id);
	}

	private bookingGet(id: string): Reply {
		const booking = this.findBooking(id);
		if (!booking) return checkfrontError(404, 'Booking not found', id);
		return { json: envelope('booking', { booking: { ...booking, id: booking.code } }, { id }) };
	}

	private session(request: RecordedRequest): Reply {
		const body = (request.body ?? {}) as Record<string, string>;
		const slips = Object.entries(body)
			.filter(([key]) => key === 'slip' || key.startsWith('slip['))
			.map(([, value]) => value);
		if (slips.length === 0) return checkfrontError(400, 'No slip given');
		return {
			json: envelope('booking', {
				booking: { session: { id: newToken('cf_sess'), age: 0, summary: 'Walking Tour', total: '130.00', qty: slips.length, slips } },
			}),
		};
	}

	private create(request: RecordedRequest): Reply {
		const body = (request.body ?? {}) as Record<string, string>;
		if (!body.session_id) return checkfrontError(400, 'session_id is required');
		if (!body['form[customer_name]'] || !body['form[customer_email]']) return checkfrontError(400, 'Required form fields are missing');
		const id = this.bookings.length + 1;
		const record: BookingRecord = {
			...this.bookings[0],
			booking_id: id,
			code: `NEWB-${id}`,
			status_id: 'PEND',
			status_name: 'Pending',
			customer_name: body['form[customer_name]'],
			customer_email: body['form[customer_email]'],
		};
		this.bookings.push(record);
		return { json: envelope('booking', { booking: { status: 'OK', id: record.code, booking_id: id, url: '' } }, { method: 'post' }) };
	}

	private update(request: RecordedRequest, id: string): Reply {
		const booking = this.findBooking(id);
		if (!booking) return checkfrontError(404, 'Booking not found', id);
		const body = (request.body ?? {}) as Record<string, string>;
		if (!body.status_id) return checkfrontError(400, 'status_id is required');
		booking.status_id = body.status_id;
		return { json: envelope('booking', { booking: { status: 'OK', id: booking.code, status_id: booking.status_id } }, { method: 'post' }) };
	}

	private note(request: RecordedRequest, id: string): Reply {
		const booking = this.findBooking(id);
		if (!booking) return checkfrontError(404, 'Booking not found', id);
		const body = (request.body ?? {}) as Record<string, string>;
		if (!body.body) return checkfrontError(400, 'body is required');
		this.notes.push({ booking: booking.code, body: body.body });
		return { json: envelope('booking', { note: { status: 'OK', booking_id: booking.code, body: body.body } }, { method: 'post' }) };
	}

	private customers(request: RecordedRequest): Reply {
		const email = request.query.customer_email;
		const records = CUSTOMERS.filter((customer) => !email || customer.customer_email === email);
		return this.page(request, 'customer', 'customers', records, (customer) => String(customer.customer_id));
	}

	private customer(id: string): Reply {
		const customer = CUSTOMERS.find((entry) => String(entry.customer_id) === id || entry.code === id);
		if (!customer) return checkfrontError(404, 'Customer not found', id);
		return { json: envelope('customer', { customer }, { status: '' }) };
	}

	private rated(request: RecordedRequest, item: (typeof ITEMS)[number]) {
		if (!request.query.start_date) return item;
		const start = request.query.start_date;
		return {
			...item,
			rated: 1,
			rate: { status: 'AVAILABLE', available: 9, summary: { price: { total: '$130.00' } }, slip: `${item.item_id}.${start}X1-adults.1` },
		};
	}

	private items(request: RecordedRequest): Reply {
		const category = request.query.category_id;
		const records = ITEMS.filter((item) => !category || String(item.category_id) === category).map((item) => this.rated(request, item));
		return this.page(request, 'item', 'items', records, (item) => String(item.item_id));
	}

	private item(request: RecordedRequest, id: string): Reply {
		const item = ITEMS.find((entry) => String(entry.item_id) === id);
		if (!item) return checkfrontError(404, 'Item not found', id);
		const query = request.query.start_date ? { start_date: request.query.start_date, end_date: request.query.end_date ?? request.query.start_date } : [];
		return { json: envelope('item', { query, item: this.rated(request, item) }, { id }) };
	}

	private keyedList<T extends Record<string, unknown>>(request: RecordedRequest, resource: string, key: string, records: T[]): Reply {
		const idKey = resource === 'event' ? 'rate_id' : `${resource}_id`;
		return this.page(request, resource, key, records, (record) => String(record[idKey]));
	}
}

// Faithful, trimmed copies of the published example records.
const CUSTOMERS = [
	{ customer_id: 25, code: 'NQ2-039-421', status_id: 'ACTIVE', customer_name: 'John Smith', customer_email: 'support@checkfront.com', customer_region: 'BC', customer_city: 'Victoria' },
	{ customer_id: 3, code: 'BT5-386-579', status_id: 'ACTIVE', customer_name: 'Bridgette Hammes', customer_email: 'bridgette@example.com', customer_region: 'LND', customer_city: 'London' },
];

const ITEMS = [
	{ item_id: 18, sku: 'bungeejumpingfromthetopoftheo2arena', name: 'Bungee Jumping from the Top of the O2 Arena', unit: 'D', stock: 15, category_id: 6, category: 'Activities', status: 'A', rated: 0 },
	{ item_id: 21, sku: 'memorabiliaphoto', name: 'Memorabilia - Photo Package', unit: 'D', stock: 40, category_id: 7, category: 'Merchandise', status: 'A', rated: 0 },
	{ item_id: 14, sku: 'walkingtour', name: 'Walking Tour with a Taste of London', unit: 'D', stock: 20, category_id: 2, category: 'Tours', status: 'A', rated: 0 },
];

const EVENTS = [
	{ rate_id: 1, name: 'Max 3 Days', type: 'SP', start_date: 20161221, end_date: 0, status: 'A', repeat_id: 'W', enabled: 1, repeat: ['tue', 'sat'], apply_to: { item_id: [14, 16], category_id: [3, 5] } },
	{ rate_id: 2, name: 'Easter Closure', type: 'SE', start_date: '20170417', end_date: '20170417', status: 'U', repeat_id: '', enabled: 1, repeat: [], apply_to: { item_id: ['all'], category_id: [] } },
];

const CATEGORIES = [
	{ category_id: 2, name: 'Tours', description: 'From Walking, to Bicycles, to Double Decker buses.', pos: 20, qty: 5 },
	{ category_id: 4, name: 'Accommodations', description: 'Book a Double or Single room.', pos: 17, qty: 4 },
	{ category_id: 6, name: 'Activities', description: '', pos: 19, qty: 3 },
];
