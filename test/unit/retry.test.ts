import { parseRateLimitReset, parseRetryAfter, RetryGaveUpError, withRetry } from '../../nodes/shared/retry';

function httpError(status: number, headers: Record<string, string> = {}) {
	return Object.assign(new Error(`HTTP ${status}`), { response: { status, headers, data: { message: 'slow down' } } });
}

describe('parseRetryAfter', () => {
	it('reads delta-seconds', () => expect(parseRetryAfter('3')).toBe(3000));
	it('reads an HTTP date relative to now', () => {
		const now = Date.parse('2026-11-22T10:00:00Z');
		expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5000);
	});
	it('treats a past date as no wait', () => {
		expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', Date.parse('2026-11-22T10:00:00Z'))).toBe(0);
	});
	it('ignores garbage', () => expect(parseRetryAfter('soon')).toBeUndefined());
});

describe('parseRateLimitReset', () => {
	const now = Date.parse('2026-11-22T10:00:00Z');
	it('reads seconds to wait', () => expect(parseRateLimitReset({ 'ratelimit-reset': '7' }, now)).toBe(7000));
	it('reads epoch seconds', () => expect(parseRateLimitReset({ 'x-ratelimit-reset': String(now / 1000 + 4) }, now)).toBe(4000));
	it('is undefined without headers', () => expect(parseRateLimitReset({}, now)).toBeUndefined());
});

describe('withRetry', () => {
	const noJitter = () => 1;

	it('waits what Retry-After says, then succeeds', async () => {
		const waits: number[] = [];
		let calls = 0;
		const result = await withRetry(
			async () => {
				calls++;
				if (calls < 3) throw httpError(429, { 'retry-after': '2' });
				return 'ok';
			},
			{ idempotent: true, sleep: async (ms) => void waits.push(ms), random: noJitter },
		);
		expect(result).toBe('ok');
		expect(waits).toEqual([2000, 2000]);
	});

	it('backs off exponentially when the provider gives no hint', async () => {
		const waits: number[] = [];
		await expect(
			withRetry(async () => Promise.reject(httpError(503)), {
				idempotent: true,
				policy: { maxAttempts: 4, baseDelayMs: 100, maxTotalWaitMs: 10_000 },
				sleep: async (ms) => void waits.push(ms),
				random: noJitter,
			}),
		).rejects.toThrow(RetryGaveUpError);
		expect(waits).toEqual([100, 200, 400]);
	});

	it('gives up after the attempt bound with a reason', async () => {
		const error = await withRetry(async () => Promise.reject(httpError(429)), {
			idempotent: true,
			policy: { maxAttempts: 3, baseDelayMs: 1 },
			sleep: async () => undefined,
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RetryGaveUpError);
		expect((error as RetryGaveUpError).attempts).toBe(3);
		expect((error as RetryGaveUpError).note).toMatch(/Tried 3 times .* gave up after 3 attempts \(HTTP 429\)/);
	});

	it('stops when Retry-After exceeds the total wait budget', async () => {
		let calls = 0;
		const error = await withRetry(
			async () => {
				calls++;
				throw httpError(429, { 'retry-after': '3600' });
			},
			{ idempotent: true, policy: { maxTotalWaitMs: 60_000 }, sleep: async () => undefined },
		).catch((e: unknown) => e);
		expect(calls).toBe(1);
		expect((error as RetryGaveUpError).why).toMatch(/asked to wait 3600 s, beyond the retry budget of 60 s/);
	});

	it('never resends a non-idempotent call', async () => {
		let calls = 0;
		const error = await withRetry(
			async () => {
				calls++;
				throw httpError(503, { 'retry-after': '1' });
			},
			{ idempotent: false, sleep: async () => undefined },
		).catch((e: unknown) => e);
		expect(calls).toBe(1);
		expect((error as RetryGaveUpError).why).toMatch(/not safe to send twice/);
	});

	it('retries 403 only when the policy allows it and a Retry-After is present', async () => {
		const sleep = async () => undefined;
		let calls = 0;
		const flaky = async () => {
			calls++;
			if (calls === 1) throw httpError(403, { 'retry-after': '1' });
			return 'ok';
		};
		await expect(withRetry(flaky, { idempotent: true, sleep })).rejects.toThrow('HTTP 403');
		calls = 0;
		await expect(withRetry(flaky, { idempotent: true, sleep, policy: { retryForbiddenWithRetryAfter: true } })).resolves.toBe('ok');
		calls = 0;
		const plain403 = async () => {
			calls++;
			throw httpError(403);
		};
		await expect(withRetry(plain403, { idempotent: true, sleep, policy: { retryForbiddenWithRetryAfter: true } })).rejects.toThrow('HTTP 403');
		expect(calls).toBe(1);
	});

	it('rethrows non-retryable errors untouched', async () => {
		const original = httpError(400);
		await expect(withRetry(async () => Promise.reject(original), { idempotent: true })).rejects.toBe(original);
	});

	it('retries connection resets for idempotent calls', async () => {
		let calls = 0;
		const result = await withRetry(
			async () => {
				calls++;
				if (calls === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
				return 'ok';
			},
			{ idempotent: true, sleep: async () => undefined },
		);
		expect(result).toBe('ok');
		expect(calls).toBe(2);
	});
});
