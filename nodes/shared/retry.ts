import { sleep as n8nSleep } from 'n8n-workflow';

import { extractHttpFailure } from './failures';

/**
 * The one retry loop of the package. Providers throttle differently (fiskaly/HubRise 429, Checkfront
 * 503 + Retry-After, Fatture in Cloud 403 + Retry-After when the hourly quota is spent), so the
 * policy is data; the loop, the Retry-After parsing and the budget are written once, here.
 */
export interface RetryPolicy {
	/** Attempts in all, the first one included. */
	maxAttempts: number;
	/** Upper bound of all waiting together; a wait that would cross it ends the retrying. */
	maxTotalWaitMs: number;
	/** First backoff step when the provider says nothing about when to come back. */
	baseDelayMs: number;
	/** Largest single backoff step (Retry-After may ask for more, within the total budget). */
	maxDelayMs: number;
	/** Statuses that mean "not now" and are retried. */
	retryStatuses: number[];
	/** Retry a 403 too, but only when it carries Retry-After or a rate-limit reset (quota exhausted). */
	retryForbiddenWithRetryAfter: boolean;
	/** Retry resets and timeouts where no answer came back (idempotent calls only). */
	retryNetworkErrors: boolean;
	/**
	 * The wait for a throttled answer that says nothing about when to come back, when the provider's
	 * limits are known windows (HubRise: to the next minute boundary). Backoff when absent.
	 */
	delayWithoutHint?: (status: number, now: number) => number | undefined;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	maxTotalWaitMs: 60_000,
	baseDelayMs: 500,
	maxDelayMs: 20_000,
	retryStatuses: [429, 503],
	retryForbiddenWithRetryAfter: false,
	retryNetworkErrors: true,
};

export interface RetryOptions {
	policy?: Partial<RetryPolicy>;
	/** False for a call that must not be sent twice (POST without an idempotency key). */
	idempotent: boolean;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	now?: () => number;
	onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
	attempt: number;
	delayMs: number;
	status?: number;
	reason: string;
}

/** Thrown when retrying stopped on a retryable failure: carries the last error and what was tried. */
export class RetryGaveUpError extends Error {
	constructor(
		readonly lastError: unknown,
		readonly attempts: number,
		readonly waitedMs: number,
		readonly why: string,
	) {
		super(why);
		this.name = 'RetryGaveUpError';
	}

	/** One sentence for the user: how hard we tried and why we stopped. */
	get note(): string {
		return `Tried ${this.attempts} time${this.attempts === 1 ? '' : 's'} over ${Math.round(this.waitedMs / 1000)} s; ${this.why}.`;
	}
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/**
 * Rate-limit reset headers, as milliseconds to wait. Values that look like epoch seconds are
 * converted; small values are read as seconds to wait (the RateLimit-Reset draft and most APIs).
 */
export function parseRateLimitReset(headers: Record<string, string>, now: number = Date.now()): number | undefined {
	for (const name of ['ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset', 'x-throttle-reset', 'x-quota-reset']) {
		const raw = headers[name];
		if (raw === undefined) continue;
		const value = Number(raw);
		if (!Number.isFinite(value) || value < 0) continue;
		if (value > 1e12) return Math.max(0, value - now); // epoch milliseconds
		if (value > 1e9) return Math.max(0, value * 1000 - now); // epoch seconds
		return Math.round(value * 1000);
	}
	return undefined;
}

function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	// "Full jitter": spreads retries of parallel executions so they do not hit the provider together.
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

interface Verdict {
	retry: boolean;
	delayMs?: number;
	status?: number;
	reason: string;
}

/**
 * An error that says it must not be retried (`retryable: false`), wherever it is wrapped: a token
 * exchange that already retried on its own, a request abandoned at its deadline.
 */
function markedFinal(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
		const candidate = current as { retryable?: unknown; cause?: unknown; lastError?: unknown };
		if (candidate.retryable === false) return true;
		current = candidate.lastError ?? candidate.cause;
	}
	return false;
}

function judge(error: unknown, policy: RetryPolicy, attempt: number, random: () => number, now: number): Verdict {
	if (markedFinal(error)) return { retry: false, reason: 'not retryable' };
	const failure = extractHttpFailure(error);
	if (failure.truncated && (failure.status === undefined || failure.status < 300)) {
		// The answer was cut off mid-stream: like a reset, worth another try for a call safe to repeat.
		return policy.retryNetworkErrors
			? { retry: true, delayMs: backoffDelay(attempt, policy, random), reason: 'answer cut off mid-stream' }
			: { retry: false, reason: 'not retryable' };
	}
	const { status, headers } = failure;
	if (status === undefined) {
		if (failure.networkCode && policy.retryNetworkErrors) {
			return { retry: true, delayMs: backoffDelay(attempt, policy, random), reason: failure.networkCode };
		}
		return { retry: false, reason: 'not retryable' };
	}
	const hinted = parseRetryAfter(headers['retry-after'], now) ?? parseRateLimitReset(headers, now);
	const retryable =
		policy.retryStatuses.includes(status) ||
		(status === 403 && policy.retryForbiddenWithRetryAfter && hinted !== undefined);
	if (!retryable) return { retry: false, status, reason: 'not retryable' };
	return {
		retry: true,
		status,
		delayMs: hinted ?? policy.delayWithoutHint?.(status, now) ?? backoffDelay(attempt, policy, random),
		reason: hinted !== undefined ? `HTTP ${status} with Retry-After` : `HTTP ${status}`,
	};
}

/**
 * Runs `call` until it succeeds, fails with something that is not worth retrying, or the attempt or
 * time budget is spent. Non-retryable failures are rethrown untouched; a spent budget throws
 * RetryGaveUpError wrapping the last failure.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
	const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
	const sleep = options.sleep ?? n8nSleep;
	const random = options.random ?? Math.random;
	const now = options.now ?? Date.now;
	let waitedMs = 0;
	for (let attempt = 1; ; attempt++) {
		let failure: unknown;
		try {
			return await call();
		} catch (error) {
			failure = error;
		}
		const verdict = judge(failure, policy, attempt, random, now());
		if (!verdict.retry) throw failure;
		if (!options.idempotent) {
			throw new RetryGaveUpError(failure, attempt, waitedMs, `not retried: this call is not safe to send twice (${verdict.reason})`);
		}
		if (attempt >= policy.maxAttempts) {
			throw new RetryGaveUpError(failure, attempt, waitedMs, `gave up after ${attempt} attempts (${verdict.reason})`);
		}
		const delayMs = verdict.delayMs ?? 0;
		if (waitedMs + delayMs > policy.maxTotalWaitMs) {
			throw new RetryGaveUpError(
				failure,
				attempt,
				waitedMs,
				`the provider asked to wait ${Math.ceil(delayMs / 1000)} s, beyond the retry budget of ${Math.round(policy.maxTotalWaitMs / 1000)} s`,
			);
		}
		options.onRetry?.({ attempt, delayMs, status: verdict.status, reason: verdict.reason });
		await sleep(delayMs);
		waitedMs += delayMs;
	}
}
