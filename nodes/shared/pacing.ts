import { sleep as n8nSleep } from 'n8n-workflow';

import { parseRetryAfter } from './retry';

/**
 * Pacing: slow down before a provider's rate limit instead of after it. One Pacer per ProviderApi
 * (so per node execution), shared by every request of that execution, however many are in flight
 * (the Concurrency option). It learns the limits from two sources:
 *
 * - the headers each answer carries (readRateLimit): the IETF `RateLimit-Limit/-Remaining/-Reset`
 *   (and the one-header `RateLimit: limit=…, remaining=…, reset=…` / `r=…;t=…` forms),
 *   `X-RateLimit-*`, Fatture in Cloud's `RateLimit-HourlyRemaining` / `-HourlyLimit` (and Monthly),
 *   Inbenta's `x-throttle-*` / `x-quota-*` (remaining or usage in per cent, reset as a timestamp),
 *   and `Retry-After` on a 429, 503 or 403 (Checkfront throttles with 503 + Retry-After);
 * - windows a provider declares (ProviderApi.rateLimits): HubRise's 500/min, 2,500/h, 10,000/day,
 *   which it does not announce in headers.
 *
 * Before each request, `acquire` waits until every known window has room (counting the requests
 * already in flight), then counts the request. A Retry-After holds every request of the execution,
 * not only the one that was told. Until the first answer shows whether the provider sends limits,
 * one request goes alone.
 */

/** A fixed window a provider declares: at most `requests` in any `perMs`. */
export interface DeclaredLimit {
	requests: number;
	perMs: number;
}

/** One window read from an answer's headers. */
export interface WindowReading {
	/** Which header family: "ratelimit", "x-ratelimit", "ratelimit-hourly", "x-throttle", ... */
	family: string;
	/** Requests left in the window, when the provider says so (or can be derived). */
	remaining?: number;
	limit?: number;
	/** Milliseconds until the window starts afresh, when the provider says so. */
	resetInMs?: number;
	/** Share of the window already used, in per cent (Inbenta). */
	usage?: number;
}

export interface RateLimitReading {
	windows: WindowReading[];
	/** The provider asked every request to wait this long (Retry-After on a throttling answer). */
	retryAfterMs?: number;
}

const THROTTLED = new Set([429, 503, 403]);

function numberOf(value: string | undefined): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const number = Number(value.trim());
	return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** A reset value as milliseconds from now: epoch ms, epoch s, an HTTP or ISO date, or seconds to wait. */
export function resetInMs(value: string | undefined, now: number = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const number = numberOf(value);
	if (number === undefined) {
		const date = Date.parse(value.trim());
		return Number.isNaN(date) ? undefined : Math.max(0, date - now);
	}
	if (number > 1e12) return Math.max(0, number - now);
	if (number > 1e9) return Math.max(0, number * 1000 - now);
	return Math.round(number * 1000);
}

/** The `RateLimit` structured header: `limit=10, remaining=5, reset=3` or `"default";r=5;t=3`. */
function structured(value: string): { remaining?: number; limit?: number; reset?: string } {
	const field = (names: string[]) => {
		for (const name of names) {
			const match = new RegExp(`(?:^|[\\s,;])${name}=([0-9.]+)`, 'i').exec(value);
			if (match) return match[1];
		}
		return undefined;
	};
	return { remaining: numberOf(field(['remaining', 'r'])), limit: numberOf(field(['limit', 'q'])), reset: field(['reset', 't']) };
}

/** Every rate-limit window an answer's headers describe (header names in lower case). */
export function readRateLimit(headers: Record<string, string>, status: number | undefined, now: number = Date.now()): RateLimitReading {
	const windows: WindowReading[] = [];
	const add = (reading: WindowReading) => {
		if (reading.remaining !== undefined || reading.usage !== undefined) windows.push(reading);
	};
	for (const family of ['ratelimit', 'x-ratelimit', 'x-rate-limit', 'x-throttle', 'x-quota']) {
		add({
			family,
			remaining: numberOf(headers[`${family}-remaining`]),
			limit: numberOf(headers[`${family}-limit`]),
			resetInMs: resetInMs(headers[`${family}-reset`], now),
			usage: numberOf(headers[`${family}-usage`]),
		});
	}
	if (headers.ratelimit !== undefined) {
		const { remaining, limit, reset } = structured(headers.ratelimit);
		add({ family: 'ratelimit-structured', remaining, limit, resetInMs: resetInMs(reset, now) });
	}
	// Fatture in Cloud: RateLimit-HourlyRemaining / RateLimit-HourlyLimit, Monthly likewise; no reset.
	for (const name of Object.keys(headers)) {
		const match = /^ratelimit-([a-z]+)remaining$/.exec(name);
		if (!match) continue;
		add({ family: `ratelimit-${match[1]}`, remaining: numberOf(headers[name]), limit: numberOf(headers[`ratelimit-${match[1]}limit`]) });
	}
	const retryAfterMs =
		status !== undefined && THROTTLED.has(status) ? parseRetryAfter(headers['retry-after'], now) : undefined;
	return { windows, retryAfterMs };
}

interface Window {
	remaining: number;
	limit?: number;
	/** When the window starts afresh (our estimate: the earliest any answer implied). */
	resetAt?: number;
	/** When we sent the request whose answer opened this window; older answers are stale. */
	openedBy: number;
	/** Inbenta's usage in per cent, the highest seen in this window. */
	usage?: number;
	/**
	 * What is left is our guess, not the provider's word: a usage under 100 % before one request's share
	 * is known ("one more at a time"). Such a window never holds a request while none is in flight: an
	 * answer without the headers (an error page) must not leave it closed until the reset.
	 */
	guessed?: boolean;
}

export interface PacerOptions {
	declared?: readonly DeclaredLimit[];
	/**
	 * The longest a request is held (the retry budget of the api): a window that resets later (a
	 * monthly quota, a Retry-After of an hour) is not waited out here; the request goes and the
	 * provider's refusal is reported (or retried) by the retry policy.
	 */
	maxWaitMs?: number;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
}

export interface Ticket {
	sentAt: number;
	/** This request's entry in each declared window's log. */
	entries: LogEntry[];
}

/** A request counted against a declared window: in flight until answered. */
interface LogEntry {
	answeredAt?: number;
}

/** Waiting ends this long after a window's estimated reset: clocks and latency differ a little. */
export const RESET_MARGIN_MS = 30;
/** How often a held request looks again while it waits on answers in flight. */
const POLL_MS = 5;

export class Pacer {
	private readonly windows = new Map<string, Window>();
	private readonly logs: LogEntry[][];
	/** Inbenta's usage step per family, kept from one window to the next. */
	private readonly usageSteps = new Map<string, number>();
	private blockedUntil = 0;
	private inFlight = 0;
	private answered = 0;
	private turn: Promise<unknown> = Promise.resolve();
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly now: () => number;

	constructor(private readonly options: PacerOptions = {}) {
		this.logs = (options.declared ?? []).map(() => []);
		this.sleep = options.sleep ?? n8nSleep;
		this.now = options.now ?? Date.now;
	}

	/** Waits until a request may go, and counts it. Requests are let through one decision at a time. */
	async acquire(): Promise<Ticket> {
		const mine = this.turn.then(async () => {
			// While answers are on their way one may bring news (a usage step, a Retry-After): look again soon.
			const giveUpAt = this.now() + (this.options.maxWaitMs ?? Infinity);
			for (let wait = this.waitMs(); wait > 0 && this.now() + wait <= giveUpAt; wait = this.waitMs()) {
				await this.sleep(this.inFlight > 0 ? Math.min(wait, POLL_MS) : wait);
			}
			const now = this.now();
			for (const window of this.windows.values()) window.remaining -= 1;
			const entries = this.logs.map((log) => {
				const entry: LogEntry = {};
				log.push(entry);
				return entry;
			});
			this.inFlight += 1;
			return { sentAt: now, entries };
		});
		this.turn = mine.catch(() => undefined);
		return await mine;
	}

	/** The answer (or failure) of a request let through by acquire; headers in lower case. */
	observe(ticket: Ticket, headers: Record<string, string>, status: number | undefined): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		this.answered += 1;
		const now = this.now();
		for (const entry of ticket.entries) entry.answeredAt = now;
		const reading = readRateLimit(headers, status, now);
		if (reading.retryAfterMs !== undefined) this.blockedUntil = Math.max(this.blockedUntil, now + reading.retryAfterMs);
		for (const read of reading.windows) this.learn(read, ticket, now);
	}

	private learn(read: WindowReading, ticket: Ticket, now: number): void {
		const known = this.windows.get(read.family);
		const resetAt = read.resetInMs !== undefined ? now + read.resetInMs : undefined;
		if (known && ticket.sentAt < known.openedBy) return; // counted in an earlier window
		let remaining = read.remaining;
		let limit = read.limit;
		if (read.usage !== undefined) {
			// Usage in per cent: the smallest rise between two answers is (at most) one request's share.
			if (known?.usage !== undefined && read.usage > known.usage) {
				this.usageSteps.set(read.family, Math.min(this.usageSteps.get(read.family) ?? Infinity, read.usage - known.usage));
			}
			const usage = known && ticket.sentAt >= known.openedBy ? Math.max(known.usage ?? 0, read.usage) : read.usage;
			if (known) known.usage = usage;
			const step = this.usageSteps.get(read.family);
			// Until one request's share is known, one more at a time.
			remaining = usage >= 100 ? 0 : step ? Math.floor((100 - usage) / step + 1e-9) : 1;
			if (step) limit = Math.round(100 / step);
		}
		const guessed = read.usage !== undefined && read.usage < 100 && !this.usageSteps.get(read.family);
		if (remaining === undefined) return;
		const current = known && (known.resetAt === undefined || now < known.resetAt);
		if (known && current) {
			// Within a window answers only ever lower what is left; a window with no announced reset
			// (Fatture in Cloud's hourly count) takes the latest count, less the requests in flight.
			// A usage in per cent is re-estimated from the highest usage seen, less the requests in flight.
			const recount = (known.resetAt === undefined && resetAt === undefined) || read.usage !== undefined;
			known.remaining = recount ? remaining - this.inFlight : Math.min(known.remaining, remaining);
			if (resetAt !== undefined) known.resetAt = known.resetAt === undefined ? resetAt : Math.min(known.resetAt, resetAt);
			if (limit !== undefined) known.limit = limit;
			known.guessed = guessed;
			return;
		}
		// A new window: what the provider says is left, less the requests still in flight.
		this.windows.set(read.family, {
			remaining: remaining - this.inFlight,
			limit,
			resetAt,
			openedBy: ticket.sentAt,
			usage: read.usage,
			guessed,
		});
	}

	/** How long the next request must wait now; 0 when it may go. */
	private waitMs(): number {
		const now = this.now();
		let wait = this.blockedUntil - now;
		// Until the first answer shows whether the provider announces limits, one request at a time.
		if (this.answered === 0 && this.inFlight > 0) wait = Math.max(wait, POLL_MS);
		for (const [family, window] of this.windows) {
			if (window.resetAt !== undefined && now >= window.resetAt + RESET_MARGIN_MS) {
				// The window has started afresh.
				if (window.limit === undefined) {
					this.windows.delete(family);
					if (this.inFlight > 0) wait = Math.max(wait, POLL_MS);
					continue;
				}
				Object.assign(window, { remaining: window.limit, resetAt: undefined, openedBy: now, usage: undefined });
			}
			if (window.remaining > 0) continue;
			if (window.guessed) {
				if (this.inFlight > 0) wait = Math.max(wait, POLL_MS);
				continue;
			}
			if (window.resetAt !== undefined) wait = Math.max(wait, window.resetAt + RESET_MARGIN_MS - now);
			// No reset announced (Fatture in Cloud): one request at a time finds out (its 403/429 carries Retry-After).
			else if (this.inFlight > 0) wait = Math.max(wait, POLL_MS);
		}
		(this.options.declared ?? []).forEach((limit, index) => {
			// The provider counts a request when it arrives, some time between our sending it and its
			// answer: a request counts until `perMs` after its answer, one in flight counts for now.
			const log = this.logs[index].filter((entry) => entry.answeredAt === undefined || entry.answeredAt > now - limit.perMs - RESET_MARGIN_MS);
			this.logs[index] = log;
			if (log.length < limit.requests) return;
			const answered = log.flatMap((entry) => (entry.answeredAt === undefined ? [] : [entry.answeredAt])).sort((a, b) => a - b);
			const mustAge = log.length - limit.requests + 1;
			wait = Math.max(wait, mustAge <= answered.length ? answered[mustAge - 1] + limit.perMs + RESET_MARGIN_MS - now : POLL_MS);
		});
		return wait;
	}
}
