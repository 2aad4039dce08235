import type { RecordedRequest, Reply, SimulatorServer } from './framework';

/**
 * Rate limits as the providers enforce and announce them, for pacing tests and benchmarks: a fixed
 * window of `limit` requests per `windowMs`, starting at the first request after the previous one
 * ended, announced in one provider's style. Mounted on any simulator server, in front of a handler.
 */
export type LimitStyle =
	/** IETF RateLimit-Limit / -Remaining / -Reset (seconds); 429 + Retry-After. */
	| 'ietf'
	/** Inbenta: x-throttle-usage (per cent) and x-throttle-reset (epoch seconds); 429 without Retry-After. */
	| 'inbenta'
	/** Fatture in Cloud: RateLimit-HourlyRemaining / -HourlyLimit, no reset; 403 + Retry-After. */
	| 'fattureincloud'
	/** Checkfront: nothing announced; 503 + Retry-After. */
	| 'checkfront'
	/** HubRise: nothing announced, windows documented; 429 without Retry-After. */
	| 'hubrise';

export class FixedWindowLimit {
	private windowStart = -Infinity;
	private count = 0;
	accepted = 0;
	rejected = 0;

	constructor(
		readonly limit: number,
		readonly windowMs: number,
		readonly style: LimitStyle,
	) {}

	/** Counts one request; what to add to the answer, or the refusal to send instead. */
	admit(now: number = Date.now()): { headers: Record<string, string>; refusal?: Reply } {
		if (now >= this.windowStart + this.windowMs) {
			this.windowStart = now;
			this.count = 0;
		}
		const endsInMs = this.windowStart + this.windowMs - now;
		const allowed = this.count < this.limit;
		if (allowed) this.count += 1;
		const remaining = this.limit - this.count;
		const seconds = String(Math.max(1, Math.ceil(endsInMs / 1000)));
		const headers: Record<string, string> = {};
		if (this.style === 'ietf') {
			Object.assign(headers, { 'RateLimit-Limit': String(this.limit), 'RateLimit-Remaining': String(remaining), 'RateLimit-Reset': seconds });
		} else if (this.style === 'inbenta') {
			headers['x-throttle-usage'] = String(Math.round((this.count / this.limit) * 10_000) / 100);
			headers['x-throttle-reset'] = ((this.windowStart + this.windowMs) / 1000).toFixed(3);
		} else if (this.style === 'fattureincloud') {
			Object.assign(headers, { 'RateLimit-HourlyRemaining': String(remaining), 'RateLimit-HourlyLimit': String(this.limit) });
		}
		if (allowed) {
			this.accepted += 1;
			return { headers };
		}
		this.rejected += 1;
		const status = { ietf: 429, inbenta: 429, fattureincloud: 403, checkfront: 503, hubrise: 429 }[this.style];
		const retryAfter: Record<string, string> = ['ietf', 'fattureincloud', 'checkfront'].includes(this.style) ? { 'Retry-After': seconds } : {};
		return { headers, refusal: { status, headers: { ...headers, ...retryAfter }, json: { message: 'rate limit exceeded' } } };
	}
}

/** `GET <path>/:id` behind the limit, answering `{ id }` after `latencyMs`. */
export function mountLimited(server: SimulatorServer, path: string, limit: FixedWindowLimit, latencyMs = 0): void {
	server.on('GET', `${path}/:id`, async (_request: RecordedRequest, params) => {
		const { headers, refusal } = limit.admit();
		if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
		return refusal ?? { headers, json: { id: Number(params.id) } };
	});
}
