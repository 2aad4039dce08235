import { Pacer, readRateLimit, resetInMs } from '../../nodes/shared/pacing';

/** The header reader and the Pacer on a fake clock: what may go, when. */
describe('readRateLimit', () => {
	const now = 1_700_000_000_000;
	it.each([
		['IETF', { 'ratelimit-limit': '100', 'ratelimit-remaining': '7', 'ratelimit-reset': '3' }, { family: 'ratelimit', remaining: 7, limit: 100, resetInMs: 3000 }],
		['one header', { ratelimit: 'limit=100, remaining=7, reset=3' }, { family: 'ratelimit-structured', remaining: 7, limit: 100, resetInMs: 3000 }],
		['structured field', { ratelimit: '"default";r=7;t=3' }, { family: 'ratelimit-structured', remaining: 7, resetInMs: 3000 }],
		['X-RateLimit epoch', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 5) }, { family: 'x-ratelimit', remaining: 0, resetInMs: 5000 }],
		['Inbenta usage', { 'x-throttle-usage': '42.5', 'x-throttle-reset': String((now + 1500) / 1000) }, { family: 'x-throttle', usage: 42.5, resetInMs: 1500 }],
		['Inbenta quota', { 'x-quota-usage': '3', 'x-quota-reset': new Date(now + 60_000).toISOString() }, { family: 'x-quota', usage: 3, resetInMs: 60_000 }],
		['Fatture in Cloud hourly', { 'ratelimit-hourlyremaining': '12', 'ratelimit-hourlylimit': '1000' }, { family: 'ratelimit-hourly', remaining: 12, limit: 1000 }],
	])('%s', (_name, headers, expected) => {
		expect(readRateLimit(headers, 200, now).windows).toEqual([expect.objectContaining(expected)]);
	});

	it('Retry-After counts only on a throttling answer', () => {
		expect(readRateLimit({ 'retry-after': '2' }, 503, now).retryAfterMs).toBe(2000);
		expect(readRateLimit({ 'retry-after': '2' }, 403, now).retryAfterMs).toBe(2000);
		expect(readRateLimit({ 'retry-after': '2' }, 200, now).retryAfterMs).toBeUndefined();
		expect(readRateLimit({}, 200, now)).toEqual({ windows: [] });
	});

	it('reset values: seconds, epoch seconds, epoch ms, dates; garbage is ignored', () => {
		expect(resetInMs('1.5', now)).toBe(1500);
		expect(resetInMs(String(now + 10), now)).toBe(10);
		expect(resetInMs('soon', now)).toBeUndefined();
	});
});

describe('Pacer', () => {
	function clock() {
		let time = 1_000_000;
		const slept: number[] = [];
		return {
			now: () => time,
			sleep: async (ms: number) => {
				slept.push(ms);
				time += ms;
			},
			advance: (ms: number) => (time += ms),
			slept,
		};
	}

	it('the first request goes alone; the next wait for its answer', async () => {
		const c = clock();
		const pacer = new Pacer({ now: c.now, sleep: c.sleep });
		const first = await pacer.acquire();
		const second = pacer.acquire();
		await Promise.resolve();
		pacer.observe(first, {}, 200);
		await second;
		expect(c.slept.length).toBeGreaterThan(0);
	});

	it('stops at remaining 0 until the announced reset, counting requests in flight', async () => {
		const c = clock();
		const pacer = new Pacer({ now: c.now, sleep: c.sleep });
		const t0 = await pacer.acquire();
		pacer.observe(t0, { 'ratelimit-remaining': '3', 'ratelimit-reset': '1', 'ratelimit-limit': '4' }, 200);
		const start = c.now();
		await pacer.acquire();
		await pacer.acquire();
		await pacer.acquire();
		expect(c.now()).toBe(start); // three left: no wait, answers still in flight
		await pacer.acquire();
		expect(c.now()).toBeGreaterThanOrEqual(start + 1000);
	});

	it('Inbenta usage: learns one request’s share and fills the window', async () => {
		const c = clock();
		const pacer = new Pacer({ now: c.now, sleep: c.sleep });
		const reset = String((c.now() + 1000) / 1000);
		const a = await pacer.acquire();
		pacer.observe(a, { 'x-throttle-usage': '10', 'x-throttle-reset': reset }, 200);
		const b = await pacer.acquire();
		pacer.observe(b, { 'x-throttle-usage': '20', 'x-throttle-reset': reset }, 200);
		const start = c.now();
		for (let i = 0; i < 8; i++) await pacer.acquire();
		expect(c.now()).toBe(start);
		await pacer.acquire();
		expect(c.now()).toBeGreaterThan(start + 900);
	});

	it('Inbenta usage before one request’s share is known: one at a time, and an answer without the headers does not close the window', async () => {
		const c = clock();
		const pacer = new Pacer({ now: c.now, sleep: c.sleep });
		const a = await pacer.acquire();
		pacer.observe(a, { 'x-throttle-usage': '1', 'x-throttle-reset': '60' }, 200);
		const b = await pacer.acquire();
		let thirdWent = false;
		const third = pacer.acquire().then(() => (thirdWent = true));
		for (let i = 0; i < 20; i++) await Promise.resolve();
		expect(thirdWent).toBe(false); // one at a time: waits for b's answer
		// b's answer is an error page without rate-limit headers: nothing says the window is used up.
		pacer.observe(b, {}, 500);
		const start = c.now();
		await third;
		expect(c.now() - start).toBeLessThan(1000);
		// The provider's own word still holds: usage 100 % waits for the reset.
		const d = await pacer.acquire();
		const told = c.now();
		pacer.observe(d, { 'x-throttle-usage': '100', 'x-throttle-reset': '60' }, 200);
		await pacer.acquire();
		expect(c.now()).toBeGreaterThanOrEqual(told + 60_000);
	});

	it('a declared window: the request after the limit waits until the oldest answer is a window old', async () => {
		const c = clock();
		const pacer = new Pacer({ now: c.now, sleep: c.sleep, declared: [{ requests: 2, perMs: 1000 }] });
		const a = await pacer.acquire();
		pacer.observe(a, {}, 200);
		const b = await pacer.acquire();
		c.advance(100);
		pacer.observe(b, {}, 200);
		const answeredA = c.now() - 100;
		await pacer.acquire();
		expect(c.now()).toBeGreaterThanOrEqual(answeredA + 1000);
	});

	it('a Retry-After holds every request, not only the one told', async () => {
		const c = clock();
		const pacer = new Pacer({ now: c.now, sleep: c.sleep });
		const a = await pacer.acquire();
		pacer.observe(a, {}, 200);
		const b = await pacer.acquire();
		const start = c.now();
		pacer.observe(b, { 'retry-after': '2' }, 503);
		await pacer.acquire();
		expect(c.now()).toBeGreaterThanOrEqual(start + 2000);
	});

	it('a wait beyond maxWaitMs (a monthly quota, a Retry-After of an hour) is not held: the request goes, the retry policy decides', async () => {
		const c = clock();
		const pacer = new Pacer({ now: c.now, sleep: c.sleep, maxWaitMs: 60_000 });
		const a = await pacer.acquire();
		const start = c.now();
		pacer.observe(a, { 'retry-after': '3600' }, 429);
		await pacer.acquire();
		expect(c.now()).toBe(start);
		// Within the budget it still waits.
		const held = new Pacer({ now: c.now, sleep: c.sleep, maxWaitMs: 60_000 });
		const b = await held.acquire();
		held.observe(b, { 'retry-after': '30' }, 429);
		const from = c.now();
		await held.acquire();
		expect(c.now()).toBeGreaterThanOrEqual(from + 30_000);
	});
});
