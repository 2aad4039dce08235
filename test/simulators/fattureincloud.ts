import * as fs from 'node:fs';
import * as path from 'node:path';

import { FIC_API_OPERATIONS } from '../../nodes/FattureInCloud/operations.generated';
import type { FicOperation } from '../../nodes/FattureInCloud/operations.generated';
import { bearerOf, newToken, SimulatorServer } from './framework';
import { FicWebhooks } from './fattureincloudWebhooks';
import type { RecordedRequest, Reply } from './framework';

/** Each operation's documented success answer, generated with the operation table (scripts/fattureincloud/operations.mjs). */
const DOCUMENTED = JSON.parse(fs.readFileSync(path.join(__dirname, 'fattureincloud.responses.generated.json'), 'utf8')) as Record<
	string,
	{ status: number; contentType: string | null; example: unknown }
>;

/**
 * Fatture in Cloud API v2 (auth part) on 127.0.0.1, after shared/docs/providers.md, providers-next.md §3 and
 * the OpenAPI description:
 * - authorization code: GET /oauth/authorize approves at once and 302-redirects to redirect_uri with a code
 *   (valid 60 s); POST /oauth/token takes JSON or form bodies, client id and secret in the body;
 * - device code (RFC 8628): POST /oauth/device → `{data:{device_code, user_code, scope{}, verification_uri,
 *   interval, expires_in}}`; polling answers 400 `authorization_pending`, `slow_down` (also when polled faster
 *   than the interval, which then grows by `slowDownSeconds`), `access_denied`, `expired_token`; device
 *   refreshes need no client secret;
 * - refresh: every refresh returns a new pair and invalidates the refresh token used (the worst case of
 *   the unstated rotation); refresh tokens live one year from their last use, access tokens 24 h, on the
 *   simulator's own clock (`advance(seconds)`);
 * - manual tokens with chosen scopes (`issueManualToken`), revocation (`revoke`);
 * - scopes enforced per route (403 `NO_PERMISSION`), companies under /c/{company_id}, quota headers on
 *   every answer, the quota 403 with Retry-After (`exhaustQuota`), 429 through fault injection.
 * - API part: every operation of the generated operation table (nodes/FattureInCloud/operations.generated.ts)
 *   has a route: its scopes, required query parameters and enums checked (422 with `validation_result` field
 *   by field), JSON bodies must carry `data`, lists paged over page/per_page with last_page (`listSizes`),
 *   everything else answered with the documented example of the spec.
 */

interface AccessToken {
	expiresAt: number;
	scopes: Set<string>;
	revoked: boolean;
}

interface RefreshToken {
	expiresAt: number;
	scopes: Set<string>;
	live: boolean;
	/** Device-flow tokens refresh without a client secret. */
	device: boolean;
}

interface DeviceLogin {
	userCode: string;
	scopes: Set<string>;
	status: 'pending' | 'approved' | 'denied' | 'used';
	expiresAt: number;
	interval: number;
	lastPollAt?: number;
	/** Set by slowDownNextPoll: the next poll answers slow_down whatever its timing. */
	forceSlowDown?: boolean;
	/** Approve after this many polls (tests). */
	approveAfterPolls?: number;
	polls: number;
}

export interface Company {
	id: number;
	name: string;
	vat_number: string;
	type: 'company' | 'accountant';
	controlled_companies?: Company[];
}

const API_ERROR = (status: number, message: string, code: string, extra: Record<string, unknown> = {}): Reply => ({
	status,
	json: { error: { message, code, ...extra } },
});
const OAUTH_ERROR = (error: string, description: string, status = 400): Reply => ({
	status,
	json: { error, error_description: description },
});

const DOCUMENT_SCOPE: Record<string, string> = {
	invoice: 'invoices',
	credit_note: 'credit_notes',
	receipt: 'receipts',
	order: 'orders',
	quote: 'quotes',
	proforma: 'proformas',
	delivery_note: 'delivery_notes',
	work_report: 'work_reports',
	supplier_order: 'supplier_orders',
	self_own_invoice: 'self_invoices',
	self_supplier_invoice: 'self_invoices',
};

export class FattureInCloudSimulator {
	readonly server = new SimulatorServer('fattureincloud');
	/** Subscriptions, the verification GET and signed notifications (fattureincloudWebhooks.ts); routes before the table's. */
	readonly webhooks = new FicWebhooks(this.server, (request, cid, handle) => this.api(request, [], () => this.inCompany(cid, handle as never)));
	readonly clientId = 'fic-client-6f1d2c';
	readonly clientSecret = 'fic-client-secret-8a7b3e9c1d2f';
	readonly deviceClientId = 'fic-device-client-93ab';
	accessTokenLifetimeSeconds = 86400;
	refreshTokenLifetimeSeconds = 365 * 24 * 3600;
	codeLifetimeSeconds = 60;
	deviceLifetimeSeconds = 300;
	deviceIntervalSeconds = 5;
	slowDownSeconds = 5;
	/** The verification page shown to the user (not hard-coded by the client). */
	verificationUri = 'https://secure.fattureincloud.it/connetti';
	hourlyLimit = 1000;
	monthlyLimit = 40000;
	hourlyRemaining = 1000;
	monthlyRemaining = 40000;
	private quotaRetryAfter?: number;
	private offsetMs = 0;
	readonly accessTokens = new Map<string, AccessToken>();
	readonly refreshTokens = new Map<string, RefreshToken>();
	private readonly codes = new Map<string, { expiresAt: number; redirectUri: string; scopes: Set<string>; used: boolean }>();
	readonly devices = new Map<string, DeviceLogin>();
	companies: Company[] = [];
	invoices = 0;
	/** For demos: a pending device login is approved when it is first polled (no person to approve it). */
	autoApproveDevices = false;
	/** Records in each list operation of the table (by operationId); 3 when not set. */
	listSizes: Record<string, number> = {};

	constructor() {
		this.reset();
		const s = this.server;
		s.on('GET', '/oauth/authorize', (request) => this.authorize(request));
		s.on('POST', '/oauth/token', (request) => this.token(request));
		s.on('POST', '/oauth/device', (request) => this.device(request));
		s.on('GET', '/user/info', (request) => this.api(request, [], () => this.userInfo()));
		s.on('GET', '/user/companies', (request) => this.api(request, [], () => ({ json: { data: { companies: this.companies.map(withTokens) } } })));
		s.on('GET', '/c/:cid/company/info', (request, params) =>
			this.api(request, [], () => this.inCompany(params.cid, (company) => ({ json: { data: { id: company.id, name: company.name, type: company.type } } }))),
		);
		s.on('GET', '/c/:cid/issued_documents', (request, params) => {
			const type = request.query.type ?? '';
			const plural = DOCUMENT_SCOPE[type];
			if (!plural) return API_ERROR(422, 'The given data was invalid.', 'VALIDATION_ERROR', { validation_result: { type: ['The selected type is invalid.'] } });
			return this.api(request, [`issued_documents.${plural}:r`, `issued_documents.${plural}:a`], () =>
				this.inCompany(params.cid, () => this.page(request, type === 'invoice' ? this.invoices : 0)),
			);
		});
		s.on('GET', '/c/:cid/entities/clients', (request, params) =>
			this.api(request, ['entity.clients:r', 'entity.clients:a'], () => this.inCompany(params.cid, () => this.page(request, this.listSizes.listClients ?? 3))),
		);
		s.on('POST', '/c/:cid/entities/clients', (request, params) =>
			this.api(request, ['entity.clients:a'], () =>
				this.inCompany(params.cid, () => {
					const data = ((request.body ?? {}) as { data?: { name?: string; vat_number?: string } }).data ?? {};
					const problems: Record<string, string[]> = {};
					if (!data.name) problems['data.name'] = ['The name field is required.'];
					if (data.vat_number !== undefined && !/^[0-9]{11}$/.test(data.vat_number)) problems['data.vat_number'] = ['The vat number must be 11 digits.'];
					if (Object.keys(problems).length > 0) return API_ERROR(422, 'The given data was invalid.', 'VALIDATION_ERROR', { validation_result: problems });
					return { json: { data: { id: 901, ...data } } };
				}),
			),
		);
		this.tableRoutes();
	}

	/** A route for every operation of the table (after the hand-written ones above, literal paths first). */
	private tableRoutes(): void {
		const params = (operation: FicOperation) => (operation.path.match(/\{/g) ?? []).length;
		for (const operation of [...FIC_API_OPERATIONS].sort((a, b) => params(a) - params(b))) {
			const route = operation.path.replace(/\{([a-z_]+)\}/g, ':$1');
			this.server.on(operation.method, route, (request, values) =>
				this.api(request, [...operation.scopes], () => (values.company_id !== undefined ? this.inCompany(values.company_id, () => this.answer(operation, request)) : this.answer(operation, request))),
			);
		}
	}

	/** The documented answer of one operation, after the checks the API makes. */
	private answer(operation: FicOperation, request: RecordedRequest): Reply {
		const problems: Record<string, string[]> = {};
		for (const parameter of operation.parameters.filter((entry) => entry.in === 'query')) {
			const value = request.query[parameter.name];
			if (value === undefined || value === '') {
				if (parameter.required) problems[parameter.name] = [`The ${parameter.name.replace(/_/g, ' ')} field is required.`];
				continue;
			}
			if (parameter.enum && !parameter.enum.map(String).includes(value)) problems[parameter.name] = [`The selected ${parameter.name.replace(/_/g, ' ')} is invalid.`];
			if (parameter.name === 'per_page' && !(Number(value) >= 1 && Number(value) <= 100)) problems.per_page = ['The per page must be between 1 and 100.'];
		}
		if (operation.body?.contentType === 'application/json' && operation.method !== 'GET') {
			const body = request.body as { data?: unknown } | undefined;
			const needsData = operation.body.example.includes('"data"');
			if (needsData && (typeof body !== 'object' || body === null || typeof body.data !== 'object' || body.data === null)) problems.data = ['The data field is required.'];
		}
		if (operation.body?.contentType === 'multipart/form-data') {
			const type = request.headers['content-type'] ?? '';
			if (!type.startsWith('multipart/form-data')) problems.attachment = ['The attachment must be sent as multipart/form-data.'];
			else if (!/name="attachment"; filename="[^"]+"/.test(request.rawBody)) problems.attachment = ['The attachment field is required.'];
		}
		if (Object.keys(problems).length > 0) return API_ERROR(422, 'The given data was invalid.', 'VALIDATION_ERROR', { validation_result: problems });
		const documented = DOCUMENTED[operation.operationId];
		if (operation.parameters.some((parameter) => parameter.name === 'page')) return this.documentedPage(request, operation, documented.example);
		if (documented.contentType?.includes('xml')) return { status: documented.status, headers: { 'content-type': documented.contentType }, text: String(documented.example ?? '<?xml version="1.0"?><FatturaElettronica/>') };
		if (documented.example === null) return { status: documented.status };
		return { status: documented.status, json: documented.example };
	}

	/** A page of a list, each record shaped like the documented example's first record. */
	private documentedPage(request: RecordedRequest, operation: FicOperation, example: unknown): Reply {
		const sample = ((example as { data?: unknown[] } | null)?.data ?? [])[0] ?? {};
		const total = this.listSizes[operation.operationId] ?? 3;
		const reply = this.page(request, total);
		const page = reply.json as { data: Array<{ id: number }> };
		page.data = page.data.map((record) => ({ ...(sample as object), id: record.id }));
		return reply;
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

	advance(seconds: number): void {
		this.offsetMs += seconds * 1000;
	}

	reset(): void {
		this.offsetMs = 0;
		this.accessTokens.clear();
		this.refreshTokens.clear();
		this.codes.clear();
		this.devices.clear();
		this.accessTokenLifetimeSeconds = 86400;
		this.deviceLifetimeSeconds = 300;
		this.deviceIntervalSeconds = 5;
		this.slowDownSeconds = 5;
		this.hourlyRemaining = this.hourlyLimit;
		this.monthlyRemaining = this.monthlyLimit;
		this.quotaRetryAfter = undefined;
		this.companies = [{ id: 12345, name: 'Studio Rossi', vat_number: '03881520161', type: 'company' }];
		this.invoices = 250;
		this.server.clearLog();
		this.server.clearFaults();
		this.webhooks?.reset();
	}

	// --- Token issue ---------------------------------------------------------------------------------

	/** A manual token with the scopes the user ticked; never expires. */
	issueManualToken(scopes: string[]): string {
		const token = newToken('a/manual');
		this.accessTokens.set(token, { expiresAt: Number.POSITIVE_INFINITY, scopes: new Set(scopes), revoked: false });
		return token;
	}

	/** A connected pair, as after an authorization-code (or device) flow. */
	issuePair(scopes: string[], device = false): { access_token: string; refresh_token: string; expires_in: number; token_type: string } {
		const access = newToken('a/fic');
		const refresh = newToken('r/fic');
		this.accessTokens.set(access, { expiresAt: this.now() + this.accessTokenLifetimeSeconds * 1000, scopes: new Set(scopes), revoked: false });
		this.refreshTokens.set(refresh, { expiresAt: this.now() + this.refreshTokenLifetimeSeconds * 1000, scopes: new Set(scopes), live: true, device });
		return { token_type: 'bearer', access_token: access, refresh_token: refresh, expires_in: this.accessTokenLifetimeSeconds };
	}

	/** Revokes a token (access or refresh), as the user does in the web app. */
	revoke(token: string): void {
		const access = this.accessTokens.get(token);
		if (access) access.revoked = true;
		const refresh = this.refreshTokens.get(token);
		if (refresh) refresh.live = false;
	}

	expireAccessTokens(): void {
		for (const token of this.accessTokens.values()) if (Number.isFinite(token.expiresAt)) token.expiresAt = this.now() - 1000;
	}

	/** The hourly quota is spent: every API call gets 403 + Retry-After until `restoreQuota`. */
	exhaustQuota(retryAfterSeconds: number): void {
		this.quotaRetryAfter = retryAfterSeconds;
		this.hourlyRemaining = 0;
	}

	restoreQuota(): void {
		this.quotaRetryAfter = undefined;
		this.hourlyRemaining = this.hourlyLimit;
	}

	refreshRequests(): RecordedRequest[] {
		return this.server.requestsTo('POST', '/oauth/token').filter((request) => bodyOf(request).grant_type === 'refresh_token');
	}

	devicePolls(): RecordedRequest[] {
		return this.server.requestsTo('POST', '/oauth/token').filter((request) => String(bodyOf(request).grant_type).endsWith('device_code'));
	}

	/** The user approves (or denies) on the verification page. */
	decide(userCode: string, decision: 'approved' | 'denied', afterPolls?: number): void {
		for (const login of this.devices.values()) {
			if (login.userCode !== userCode) continue;
			if (afterPolls === undefined) login.status = decision;
			else login.approveAfterPolls = login.polls + afterPolls;
		}
	}

	// --- OAuth endpoints ------------------------------------------------------------------------------

	private authorize(request: RecordedRequest): Reply {
		const { client_id: clientId, redirect_uri: redirectUri, state, scope, response_type: type } = request.query;
		if (clientId !== this.clientId) return OAUTH_ERROR('invalid_client', 'Unknown client');
		if (type !== 'code' || !redirectUri) return OAUTH_ERROR('invalid_request', 'response_type=code and redirect_uri are required');
		const code = newToken('c/fic');
		this.codes.set(code, { expiresAt: this.now() + this.codeLifetimeSeconds * 1000, redirectUri, scopes: scopeSet(scope), used: false });
		const target = new URL(redirectUri);
		target.searchParams.set('code', code);
		if (state !== undefined) target.searchParams.set('state', state);
		return { status: 302, headers: { location: target.toString() } };
	}

	private device(request: RecordedRequest): Reply {
		const body = bodyOf(request);
		if (body.client_id !== this.deviceClientId) return OAUTH_ERROR('invalid_client', 'The device flow is not enabled for this client');
		const deviceCode = newToken('d/fic');
		const userCode = `${randomWord()}-${randomWord()}`;
		const scopes = scopeSet(String(body.scope ?? ''));
		this.devices.set(deviceCode, {
			userCode,
			scopes,
			status: 'pending',
			expiresAt: this.now() + this.deviceLifetimeSeconds * 1000,
			interval: this.deviceIntervalSeconds,
			polls: 0,
		});
		const scopeObject = Object.fromEntries([...scopes].map((scope) => scope.split(':')));
		return {
			json: {
				data: {
					device_code: deviceCode,
					user_code: userCode,
					scope: scopeObject,
					verification_uri: this.verificationUri,
					interval: this.deviceIntervalSeconds,
					expires_in: this.deviceLifetimeSeconds,
				},
			},
		};
	}

	private token(request: RecordedRequest): Reply {
		const body = bodyOf(request);
		switch (body.grant_type) {
			case 'authorization_code': {
				if (body.client_id !== this.clientId || body.client_secret !== this.clientSecret) return OAUTH_ERROR('invalid_client', 'Client authentication failed', 401);
				const code = this.codes.get(String(body.code));
				if (!code || code.used || code.expiresAt < this.now()) return OAUTH_ERROR('invalid_grant', 'The authorization code is invalid or expired');
				if (code.redirectUri !== body.redirect_uri) return OAUTH_ERROR('invalid_grant', 'redirect_uri mismatch');
				code.used = true;
				return { json: this.issuePair([...code.scopes]) };
			}
			case 'refresh_token': {
				const refresh = this.refreshTokens.get(String(body.refresh_token));
				if (!refresh) return OAUTH_ERROR('invalid_grant', 'The refresh token is invalid');
				const expectedClient = refresh.device ? this.deviceClientId : this.clientId;
				if (body.client_id !== expectedClient) return OAUTH_ERROR('invalid_client', 'Client authentication failed', 401);
				if (!refresh.device && body.client_secret !== this.clientSecret) return OAUTH_ERROR('invalid_client', 'Client authentication failed', 401);
				if (!refresh.live) return OAUTH_ERROR('invalid_grant', 'The refresh token was revoked or already used');
				if (refresh.expiresAt < this.now()) return OAUTH_ERROR('invalid_grant', 'The refresh token has expired');
				refresh.live = false;
				return { json: this.issuePair([...refresh.scopes], refresh.device) };
			}
			case 'urn:ietf:params:oauth:grant-type:device_code': {
				if (body.client_id !== this.deviceClientId) return OAUTH_ERROR('invalid_client', 'Unknown client');
				if ('client_secret' in body) return OAUTH_ERROR('invalid_request', 'A device client has no secret');
				const login = this.devices.get(String(body.device_code));
				if (!login || login.status === 'used') return OAUTH_ERROR('invalid_grant', 'Unknown device code');
				const now = this.now();
				login.polls += 1;
				if (login.expiresAt < now) return OAUTH_ERROR('expired_token', 'The device code has expired');
				// Polled faster than the interval: slow down, and the interval grows.
				// Polled faster than the interval (or a slow_down forced by the test): slow down, and the interval grows.
				if (login.forceSlowDown || (login.lastPollAt !== undefined && now - login.lastPollAt < login.interval * 1000 - 150)) {
					login.forceSlowDown = false;
					login.lastPollAt = now;
					login.interval += this.slowDownSeconds;
					return OAUTH_ERROR('slow_down', 'Polling too fast');
				}
				login.lastPollAt = now;
				if (login.approveAfterPolls !== undefined && login.polls >= login.approveAfterPolls) login.status = 'approved';
				if (this.autoApproveDevices && login.status === 'pending') login.status = 'approved';
				if (login.status === 'denied') return OAUTH_ERROR('access_denied', 'The user denied the request');
				if (login.status === 'pending') return OAUTH_ERROR('authorization_pending', 'Waiting for the user');
				login.status = 'used';
				return { json: this.issuePair([...login.scopes], true) };
			}
			default:
				return OAUTH_ERROR('unsupported_grant_type', `grant_type ${String(body.grant_type)} is not supported`);
		}
	}

	/** Forces the next poll of every pending login to answer slow_down (as a busy server might). */
	slowDownNextPoll(): void {
		// A flag, not a timestamp: how soon the next poll comes must not decide whether the test sees a slow_down.
		for (const login of this.devices.values()) login.forceSlowDown = true;
	}

	// --- API ------------------------------------------------------------------------------------------

	private quotaHeaders(): Record<string, string> {
		return {
			'RateLimit-HourlyRemaining': String(Math.max(0, this.hourlyRemaining)),
			'RateLimit-HourlyLimit': String(this.hourlyLimit),
			'RateLimit-MonthlyRemaining': String(Math.max(0, this.monthlyRemaining)),
			'RateLimit-MonthlyLimit': String(this.monthlyLimit),
		};
	}

	private api(request: RecordedRequest, anyOf: string[], handle: () => Reply | Promise<Reply>): Reply | Promise<Reply> {
		const token = bearerOf(request);
		const access = token ? this.accessTokens.get(token) : undefined;
		const headers = this.quotaHeaders();
		if (!access || access.revoked) return { ...API_ERROR(401, 'Unauthorized', 'UNAUTHORIZED'), headers };
		if (access.expiresAt < this.now()) return { ...API_ERROR(401, 'The access token has expired', 'UNAUTHORIZED'), headers };
		if (this.quotaRetryAfter !== undefined) {
			return { ...API_ERROR(403, 'Hourly quota exceeded', 'QUOTA_EXCEEDED'), headers: { ...headers, 'Retry-After': String(this.quotaRetryAfter) } };
		}
		if (anyOf.length > 0 && !anyOf.some((scope) => access.scopes.has(scope))) {
			return { ...API_ERROR(403, "You don't have the permission to access this resource", 'NO_PERMISSION'), headers };
		}
		this.hourlyRemaining -= 1;
		this.monthlyRemaining -= 1;
		const reply = handle();
		if (reply instanceof Promise) return reply.then((settled) => ({ ...settled, headers: { ...this.quotaHeaders(), ...settled.headers } }));
		return { ...reply, headers: { ...this.quotaHeaders(), ...reply.headers } };
	}

	private inCompany(cid: string, handle: (company: Company) => Reply | Promise<Reply>): Reply | Promise<Reply> {
		const company = flatten(this.companies).find((entry) => String(entry.id) === cid);
		if (!company) return API_ERROR(404, 'Company not found', 'NOT_FOUND');
		return handle(company);
	}

	private userInfo(): Reply {
		return { json: { data: { id: 77, name: 'Mario Rossi', first_name: 'Mario', last_name: 'Rossi', email: 'mario.rossi@example.com' } } };
	}

	private page(request: RecordedRequest, total: number): Reply {
		const perPage = Math.min(100, Math.max(1, Number(request.query.per_page ?? 50)));
		const page = Math.max(1, Number(request.query.page ?? 1));
		const lastPage = Math.max(1, Math.ceil(total / perPage));
		const from = (page - 1) * perPage;
		const data = Array.from({ length: Math.max(0, Math.min(perPage, total - from)) }, (_, index) => ({ id: from + index + 1, number: from + index + 1, type: request.query.type ?? 'client' }));
		return { json: { current_page: page, last_page: lastPage, per_page: perPage, from: from + 1, to: from + data.length, total, data } };
	}
}

function bodyOf(request: RecordedRequest): Record<string, unknown> {
	return typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
}

function scopeSet(scope: string | undefined): Set<string> {
	return new Set(String(scope ?? '').split(/\s+/).filter(Boolean));
}

function flatten(companies: Company[]): Company[] {
	return companies.flatMap((company) => [company, ...flatten(company.controlled_companies ?? [])]);
}

/** Companies as the API lists them: each with an access token of its own (which a client must not show). */
function withTokens(company: Company): Record<string, unknown> {
	return {
		...company,
		access_token: `company-token-${company.id}-4ff5f0fe5abcd1d7157fa13ca72ab62b`,
		connection_id: 94566,
		controlled_companies: (company.controlled_companies ?? []).map(withTokens),
	};
}

const WORDS = ['TEDDY', 'BEAR', 'MAPLE', 'RIVER', 'STONE', 'CLOUD', 'OLIVE', 'AMBER'];
function randomWord(): string {
	return WORDS[Math.floor(Math.random() * WORDS.length)];
}
