import { bearerOf, newToken, SimulatorServer } from './framework';
import type { RecordedRequest, Reply } from './framework';

/**
 * Inbenta on 127.0.0.1, after shared/docs/providers*.md and seeds/inbenta-authorization-flows.txt:
 * - the Auth API on its own port: `POST /v1/auth` (API secret as JSON or as a form; domain key as
 *   `domain_key` or `domainKey`, accepted only when Origin or Referer names the allowed domain),
 *   `POST /v1/refreshToken` (only before expiry), `GET /v1/apis`;
 * - the product APIs (chatbot, knowledge, search) each on ANOTHER loopback port, reachable only
 *   through the URLs the `apis` map names, so product discovery is really exercised;
 * - chatbot conversations whose sessions time out when idle, knowledge and federated search routes,
 *   rate-limit headers on every answer, 429 with x-throttle-reset via fault injection, token expiry
 *   on demand, key revocation, and a hostile mode whose `apis` map names a foreign host.
 */

interface Token {
	expiresAtMs: number;
	revoked: boolean;
}

interface Session {
	lastUsed: number;
	messages: Array<{ user?: string; bot?: string }>;
}

export interface AuthCall {
	path: string;
	grant: 'apiSecret' | 'domainKey' | 'refresh' | 'apis';
	ok: boolean;
	at: number;
	/** For refreshes: ms the refreshed token had left (negative when it had expired). */
	leftMs?: number;
}

const CONTENTS = Array.from({ length: 12 }, (_, index) => ({
	id: index + 1,
	title: `How do I ${['reset my password', 'change my plan', 'cancel', 'contact support'][index % 4]} (${index + 1})`,
	slug: `content-${index + 1}`,
	answer: `<p>Answer ${index + 1}</p>`,
	categories: [1 + (index % 3)],
}));
const CATEGORIES = [1, 2, 3].map((id) => ({ id, name: `Category ${id}`, parent: 0 }));

export class InbentaSimulator {
	readonly auth = new SimulatorServer('inbenta-auth');
	readonly chatbot = new SimulatorServer('inbenta-chatbot');
	readonly knowledge = new SimulatorServer('inbenta-knowledge');
	readonly search = new SimulatorServer('inbenta-search');

	readonly apiKey = 'inb_key_Kp2-public-ish-1234';
	readonly apiSecret = 'inb-secret-Xz9-do-not-leak';
	readonly domainKey = 'inb-domainkey-Qw7-public';
	allowedDomain = 'www.example.com';
	/** Token lifetime in seconds (Inbenta: 1200). */
	lifetimeSeconds = 1200;
	/** Idle time after which a chatbot session is gone (the official connector assumes 1440 s). */
	sessionIdleMs = 1_440_000;
	/** A key revoked at Inbenta: /auth answers 401 "revoked". */
	keyRevoked = false;
	/** When set, the `apis` map names this (foreign) URL for the chatbot and knowledge APIs. */
	hostileUrl?: string;
	/** Extra delay of every knowledge search, to stretch a run over time. */
	searchDelayMs = 0;

	readonly tokens = new Map<string, Token>();
	readonly sessions = new Map<string, Session>();
	readonly authCalls: AuthCall[] = [];
	/** Product requests answered 401 (a token that was dead when it arrived). */
	unauthorized = 0;

	async start(): Promise<void> {
		this.routes();
		await Promise.all([this.auth.start(), this.chatbot.start(), this.knowledge.start(), this.search.start()]);
	}

	async stop(): Promise<void> {
		await Promise.all([this.auth.stop(), this.chatbot.stop(), this.knowledge.stop(), this.search.stop()]);
	}

	reset(): void {
		this.lifetimeSeconds = 1200;
		this.sessionIdleMs = 1_440_000;
		this.keyRevoked = false;
		this.invalidateOlderTokens = false;
		this.hostileUrl = undefined;
		this.searchDelayMs = 0;
		this.tokens.clear();
		this.sessions.clear();
		this.authCalls.length = 0;
		this.unauthorized = 0;
		for (const server of this.servers()) {
			server.clearFaults();
			server.clearLog();
		}
	}

	servers(): SimulatorServer[] {
		return [this.auth, this.chatbot, this.knowledge, this.search];
	}

	/** The product map an /auth answer carries: each product on its own loopback port. */
	apis(): Record<string, string> {
		return {
			chatbot: this.hostileUrl ? `${this.hostileUrl}/prod/chatbot` : `${this.chatbot.url}/prod/chatbot`,
			knowledge: this.hostileUrl ? `${this.hostileUrl}/prod/knowledge` : `${this.knowledge.url}/prod/knowledge`,
			search: `${this.search.url}/prod/search`,
		};
	}

	/** Every token issued so far (for secret checks). */
	issuedTokens(): string[] {
		return [...this.tokens.keys()];
	}

	/** Lets every token expire now (token expiry on demand). */
	expireTokens(): void {
		for (const token of this.tokens.values()) token.expiresAtMs = Date.now() - 1;
	}

	revokeTokens(): void {
		for (const token of this.tokens.values()) token.revoked = true;
	}

	/** Lets every chatbot session time out now. */
	expireSessions(): void {
		for (const session of this.sessions.values()) session.lastUsed = 0;
	}

	/** Product requests (all product servers), in arrival order. */
	productRequests(): RecordedRequest[] {
		return [this.chatbot, this.knowledge, this.search].flatMap((server) => server.requests).sort((a, b) => a.at - b.at);
	}

	/** Strictest mode: every token issued (authorization or refresh) revokes all older ones. */
	invalidateOlderTokens = false;

	private issue(): { accessToken: string; expiration: number; expires_in: number } {
		if (this.invalidateOlderTokens) for (const token of this.tokens.values()) token.revoked = true;
		const accessToken = newToken('inb_at');
		// `expiration` is epoch seconds; the token dies at that second.
		const expiration = Math.floor(Date.now() / 1000) + this.lifetimeSeconds;
		this.tokens.set(accessToken, { expiresAtMs: expiration * 1000, revoked: false });
		return { accessToken, expiration, expires_in: this.lifetimeSeconds };
	}

	private liveToken(request: RecordedRequest): Token | undefined {
		const token = this.tokens.get(bearerOf(request) ?? '');
		if (!token || token.revoked || token.expiresAtMs <= Date.now()) return undefined;
		return token;
	}

	private keyOk(request: RecordedRequest): boolean {
		return request.headers['x-inbenta-key'] === this.apiKey;
	}

	private rateHeaders(): Record<string, string> {
		const reset = String(Math.floor(Date.now() / 1000) + 60);
		return { 'x-quota-usage': '1', 'x-throttle-usage': '1', 'x-quota-reset': reset, 'x-throttle-reset': reset };
	}

	private guard(request: RecordedRequest): Reply | undefined {
		if (!this.keyOk(request) || !this.liveToken(request)) {
			this.unauthorized += 1;
			return { status: 401, json: { error: { code: 401, message: 'Unauthorized' } } };
		}
		return undefined;
	}

	private originAllowed(request: RecordedRequest): boolean {
		for (const header of [request.headers.origin, request.headers.referer]) {
			if (!header) continue;
			try {
				if (new URL(header).hostname === this.allowedDomain) return true;
			} catch {
				// not a URL: not allowed
			}
		}
		return false;
	}

	private routes(): void {
		this.auth.on('POST', '/v1/auth', (request) => {
			const body = (request.body ?? {}) as Record<string, unknown>;
			const domainKey = body.domain_key ?? body.domainKey;
			const grant = domainKey !== undefined ? 'domainKey' : 'apiSecret';
			const record = (ok: boolean) => this.authCalls.push({ path: '/auth', grant, ok, at: Date.now() });
			if (this.keyRevoked) {
				record(false);
				return { status: 401, json: { error: { code: 401, message: 'API key revoked' } } };
			}
			if (!this.keyOk(request)) {
				record(false);
				return { status: 401, json: { message: 'Unauthorized' } };
			}
			if (grant === 'domainKey') {
				if (domainKey !== this.domainKey) {
					record(false);
					return { status: 401, json: { message: 'Unauthorized' } };
				}
				if (!this.originAllowed(request)) {
					record(false);
					return { status: 403, json: { error: { code: 403, message: 'Domain not allowed for this domain key' } } };
				}
			} else if (body.secret !== this.apiSecret) {
				record(false);
				return { status: 401, json: { message: 'Unauthorized' } };
			}
			record(true);
			return { headers: this.rateHeaders(), json: { ...this.issue(), apis: this.apis() } };
		});
		this.auth.on('POST', '/v1/refreshToken', (request) => {
			const token = this.tokens.get(bearerOf(request) ?? '');
			const leftMs = token ? token.expiresAtMs - Date.now() : undefined;
			const ok = this.keyOk(request) && this.liveToken(request) !== undefined && !this.keyRevoked;
			this.authCalls.push({ path: '/refreshToken', grant: 'refresh', ok, at: Date.now(), leftMs });
			if (!ok) return { status: 401, json: { message: 'Unauthorized' } };
			const { accessToken, expiration } = this.issue();
			// Inbenta's refresh answer carries the token and its expiry only (no apis map).
			return { headers: this.rateHeaders(), json: { accessToken, expiration } };
		});
		this.auth.on('GET', '/v1/apis', (request) => {
			this.authCalls.push({ path: '/apis', grant: 'apis', ok: true, at: Date.now() });
			return this.guard(request) ?? { headers: this.rateHeaders(), json: { apis: this.apis() } };
		});

		const product = (server: SimulatorServer, prefix: string, method: string, path: string, handle: (request: RecordedRequest, params: Record<string, string>) => Reply | Promise<Reply>) =>
			server.on(method, `${prefix}/v1${path}`, async (request, params) => {
				const refused = this.guard(request);
				if (refused) return refused;
				const reply = await handle(request, params);
				return { ...reply, headers: { ...this.rateHeaders(), ...reply.headers } };
			});

		// Chatbot
		const chat = (method: string, path: string, handle: (request: RecordedRequest, params: Record<string, string>) => Reply) =>
			product(this.chatbot, '/prod/chatbot', method, path, handle);
		chat('POST', '/conversation', () => {
			const sessionToken = newToken('inb_session');
			this.sessions.set(sessionToken, { lastUsed: Date.now(), messages: [] });
			return { json: { sessionToken, sessionId: sessionToken.slice(-8) } };
		});
		const session = (request: RecordedRequest): Session | Reply => {
			const match = /^(bearer\s+)?(.+)$/i.exec(request.headers['x-inbenta-session'] ?? '');
			const found = match ? this.sessions.get(match[2]) : undefined;
			if (!found) return { status: 400, json: { errors: [{ code: 'SESSION_NOT_FOUND', message: 'Session not found or expired' }] } };
			if (Date.now() - found.lastUsed > this.sessionIdleMs) {
				return { status: 400, json: { errors: [{ code: 'SESSION_EXPIRED', message: 'Session expired' }] } };
			}
			found.lastUsed = Date.now();
			return found;
		};
		chat('POST', '/conversation/message', (request) => {
			const found = session(request);
			if (!('messages' in found)) return found;
			const body = (request.body ?? {}) as Record<string, unknown>;
			const said = body.message !== undefined ? String(body.message) : body.option !== undefined ? `option ${String(body.option)}` : String(body.directCall ?? '');
			const reply = `You said: ${said}`;
			found.messages.push({ user: said }, { bot: reply });
			return {
				json: {
					answers: [
						{
							type: 'answer',
							messageList: [reply],
							options: [
								{ label: 'Yes', value: 1 },
								{ label: 'No', value: 2 },
							],
							parameters: { contents: { title: said, trackingCode: { rateCode: `rate-${found.messages.length}` } } },
						},
					],
				},
			};
		});
		chat('POST', '/tracking/events', (request) => {
			const found = session(request);
			if (!('messages' in found)) return found;
			return { json: { tracked: true, type: (request.body as Record<string, unknown>)?.type } };
		});
		chat('GET', '/conversation/history', (request) => {
			const found = session(request);
			if (!('messages' in found)) return found;
			return { json: found.messages };
		});

		// Knowledge
		const km = (method: string, path: string, handle: (request: RecordedRequest, params: Record<string, string>) => Reply | Promise<Reply>) =>
			product(this.knowledge, '/prod/knowledge', method, path, handle);
		const limited = (request: RecordedRequest, list: unknown[]) => list.slice(0, Number(request.query.length ?? (request.body as Record<string, unknown>)?.length ?? 50));
		km('POST', '/search', async (request) => {
			if (this.searchDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.searchDelayMs));
			const query = String((request.body as Record<string, unknown>)?.query ?? '').toLowerCase();
			const words = query.split(/\s+/).filter(Boolean);
			const found = CONTENTS.filter((content) => words.some((word) => content.title.toLowerCase().includes(word)));
			return { json: { results: limited(request, found) } };
		});
		km('GET', '/contents/popular', (request) => ({ json: { results: limited(request, CONTENTS.slice(0, 5)) } }));
		km('GET', '/contents/slug/:slug', (_request, { slug }) => {
			const found = CONTENTS.find((content) => content.slug === slug);
			return found ? { json: { results: [found] } } : { status: 404, json: { error: { code: 404, message: 'Content not found' } } };
		});
		km('GET', '/contents/:id/related', (request, { id }) => ({
			json: { results: limited(request, CONTENTS.filter((content) => String(content.id) !== id).slice(0, 3)) },
		}));
		km('GET', '/contents/:id', (_request, { id }) => {
			const found = CONTENTS.find((content) => String(content.id) === id);
			return found ? { json: { results: [found] } } : { status: 404, json: { error: { code: 404, message: 'Content not found' } } };
		});
		km('GET', '/categories', (request) => ({ json: { results: limited(request, CATEGORIES) } }));
		km('GET', '/categories/:id/contents', (request, { id }) => ({
			json: { results: limited(request, CONTENTS.filter((content) => content.categories.includes(Number(id)))) },
		}));

		// Search
		product(this.search, '/prod/search', 'POST', '/federated-search', (request) => {
			const query = String((request.body as Record<string, unknown>)?.query ?? '');
			return {
				json: {
					results: [1, 2, 3].map((index) => ({
						highlightedTitle: `<em>${query}</em> result ${index}`,
						attributes: { URL: [`https://help.example.com/${index}`], BEST_DYNABS: [`About ${query} (${index})`] },
					})),
				},
			};
		});
	}
}
