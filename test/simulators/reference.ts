import { bearerOf, newToken, SimulatorServer } from './framework';
import type { RecordedRequest, Reply } from './framework';

/**
 * A provider-neutral simulator for the shared layer and the harness: a key/secret token exchange,
 * bearer-protected endpoints, and the same 10,000 records behind each of the four pagination styles
 * the providers use. Provider simulators follow the same pattern with their own shapes.
 */
export class ReferenceSimulator {
	readonly server = new SimulatorServer('reference');
	readonly apiKey = 'ref-key-0001';
	readonly apiSecret = 'ref-secret-s3cr3t-value';
	readonly records = Array.from({ length: 10_000 }, (_, index) => ({ id: index + 1, name: `record ${index + 1}` }));
	tokenLifetimeSeconds = 3600;
	private readonly validTokens = new Set<string>();
	tokensMinted = 0;

	constructor() {
		const s = this.server;
		s.on('POST', '/token', (request) => this.mint(request));
		s.on('GET', '/me', (request) => this.guard(request, () => ({ json: { id: 1, name: 'reference user' } })));
		s.on('POST', '/things', (request) => this.guard(request, () => ({ status: 201, json: { id: 7, ...(request.body as object) } })));
		s.on('GET', '/leaky', (request) =>
			this.guard(request, () => ({
				status: 400,
				json: { error: { message: `Key ${this.apiKey} with secret ${this.apiSecret} may not do this`, code: 'E_LEAK' } },
			})),
		);
		s.on('GET', '/records/page', (request) => this.guard(request, () => this.pagePerPage(request)));
		s.on('GET', '/records/limit', (request) => this.guard(request, () => this.limitPage(request)));
		s.on('GET', '/records/cursor', (request) => this.guard(request, () => this.cursorPage(request)));
		s.on('GET', '/records/token', (request) => this.guard(request, () => this.tokenPage(request)));
	}

	start(): Promise<string> {
		return this.server.start();
	}

	stop(): Promise<void> {
		return this.server.stop();
	}

	/** Every token minted so far stops working (the provider restarted, or they all expired). */
	expireAllTokens(): void {
		this.validTokens.clear();
	}

	private mint(request: RecordedRequest): Reply {
		const body = request.body as { key?: string; secret?: string } | undefined;
		if (body?.key !== this.apiKey || body?.secret !== this.apiSecret) {
			return { status: 401, json: { error: 'invalid_client', error_description: 'Unknown key or wrong secret' } };
		}
		const token = newToken('ref_at');
		this.validTokens.add(token);
		this.tokensMinted += 1;
		return { json: { access_token: token, token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds } };
	}

	private guard(request: RecordedRequest, next: () => Reply): Reply {
		const token = bearerOf(request);
		if (!token || !this.validTokens.has(token)) {
			return { status: 401, json: { error: 'invalid_token', error_description: 'The access token is invalid or expired' } };
		}
		return next();
	}

	private slice(offset: number, size: number) {
		return this.records.slice(offset, offset + size);
	}

	private pagePerPage(request: RecordedRequest): Reply {
		const page = Number(request.query.page ?? 1);
		const perPage = Math.min(Number(request.query.per_page ?? 50), 100);
		const lastPage = Math.ceil(this.records.length / perPage);
		return {
			json: {
				current_page: page,
				last_page: lastPage,
				per_page: perPage,
				total: this.records.length,
				data: this.slice((page - 1) * perPage, perPage),
			},
		};
	}

	private limitPage(request: RecordedRequest): Reply {
		const page = Number(request.query.page ?? 1);
		const limit = Math.min(Number(request.query.limit ?? 100), 250);
		const pages = Math.ceil(this.records.length / limit);
		// Checkfront style: records keyed by id, with page bookkeeping under "request".
		const keyed = Object.fromEntries(this.slice((page - 1) * limit, limit).map((record) => [String(record.id), record]));
		return {
			json: {
				version: '3.0',
				request: { records: Object.keys(keyed).length, total_records: this.records.length, limit, page, pages },
				'booking/index': keyed,
			},
		};
	}

	private cursorPage(request: RecordedRequest): Reply {
		const count = Math.min(Number(request.query.count ?? 100), 100);
		const offset = request.query.cursor ? Number(Buffer.from(request.query.cursor, 'base64url').toString()) : 0;
		const page = this.slice(offset, count);
		const nextOffset = offset + page.length;
		const headers: Record<string, string> = {};
		if (nextOffset < this.records.length) headers['X-Cursor-Next'] = Buffer.from(String(nextOffset)).toString('base64url');
		return { json: page, headers };
	}

	private tokenPage(request: RecordedRequest): Reply {
		const limit = Math.min(Number(request.query.limit ?? 100), 100);
		const offset = request.query.token ? Number(request.query.token.replace('tok-', '')) : 0;
		const page = this.slice(offset, limit);
		const nextOffset = offset + page.length;
		const more = nextOffset < this.records.length;
		return {
			json: {
				results: page,
				pagination: { limit, next: more ? `/records/token?token=tok-${nextOffset}` : null, token: more ? `tok-${nextOffset}` : null },
			},
		};
	}
}

/** Convenience for tests: a fresh token for the reference simulator without going through n8n. */
export function issuedTokens(sim: ReferenceSimulator): number {
	return sim.tokensMinted;
}
