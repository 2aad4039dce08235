
import { AUTHS, apiRequests, expectAuthApplied, expectNoSecret, json, moved, newHarness, rig, run, secrets, sim } from './setup';

describe('Return All over 2,500 bookings', () => {
	it.each(AUTHS)('yields exactly 2,500 items in order (%s)', async (auth) => {
		sim.reset(2500);
		rig.harness = newHarness();
		const { items, error } = await run(auth, { resource: 'booking', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2500);
		expect(json(items).map((booking) => booking.booking_id)).toEqual(Array.from({ length: 2500 }, (_, index) => index + 1));
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(apiRequests().map((request) => request.query.page)).toEqual(Array.from({ length: 25 }, (_, index) => String(index + 1)));
	});
});

describe('host validation at request time', () => {
	it.each(AUTHS)('a refused host is reported before any request (%s)', async (auth) => {
		rig.harness = newHarness('https://acme.checkfront.com.evil.test');
		const { error, items } = await run(auth, { resource: 'account', operation: 'ping' });
		expect(items).toHaveLength(0);
		expect(error?.message).toMatch(/not accepted: acme\.checkfront\.com\.evil\.test is not a Checkfront host.*your-company\.checkfront\.com/);
		expect(sim.server.requests).toHaveLength(0);
	});
});

describe('301 host migration', () => {
	it.each(AUTHS)('is followed to the new host with authentication kept, and the user is told (%s)', async (auth) => {
		sim.migrateTo(moved.server.url);
		const { items, error, run: execution } = await run(auth, { resource: 'booking', operation: 'getAll', limit: 150 });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(150);
		expect(apiRequests(sim.server).map((request) => request.query.page)).toEqual(['1', '2']);
		expect(apiRequests(moved.server).map((request) => request.query.page)).toEqual(['1', '2']);
		expectAuthApplied(auth, apiRequests(moved.server));
		const hints = execution.data.resultData.runData['Under Test'][0].hints ?? [];
		expect(hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringContaining(`update the Host field of the credential to ${new URL(moved.server.url).host}`),
			}),
		]);
	});

	it('a redirect to a host that is not Checkfront is refused and nothing is sent there', async () => {
		sim.migrateTo('https://evil.test');
		const { error } = await run('checkfrontApi', { resource: 'account', operation: 'ping' });
		expect(error?.message).toMatch(/redirected the request to evil\.test, which is not a Checkfront host/);
		expect(apiRequests()).toHaveLength(1);
	});
});

describe('throttling, failures and secrets', () => {
	it('503 + Retry-After is waited out and retried (the log shows the gap)', async () => {
		sim.server.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '1' }, json: { error: { title: 'Too many requests' } } }, { times: 1 });
		const { items, error } = await run('checkfrontApi', { resource: 'account', operation: 'ping' });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const [throttled, retried] = apiRequests();
		expect(apiRequests()).toHaveLength(2);
		expect(retried.at - throttled.at).toBeGreaterThanOrEqual(950);
	});

	it('a throttled POST is not sent twice, and the error says why', async () => {
		sim.server.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '1' } }, { times: 1 });
		const { error } = await run('checkfrontApi', { resource: 'booking', operation: 'addNote', bookingId: 'CFPP-100001', note: 'once' });
		expect(apiRequests()).toHaveLength(1);
		expect(sim.notes).toHaveLength(0);
		expect(error?.message).toBe('Checkfront error 503: answered HTTP 503');
		expect(error?.description).toMatch(/throttling.*not retried: this call is not safe to send twice/);
	});

	it.each(AUTHS)('Continue On Fail yields one item per input, errors without secrets (%s)', async (auth) => {
		const { items, error } = await run(
			auth,
			{ resource: 'booking', operation: 'get', bookingId: '={{ $json.code }}' },
			{ continueOnFail: true, items: [{ code: 'CFPP-100001' }, { code: 'NOPE-1' }, { code: 'CFPP-100002' }] },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(json(items)[0].code).toBe('CFPP-100001');
		expect(json(items)[1]).toMatchObject({ error: 'Checkfront error 404: Booking not found', httpCode: '404' });
		expect(json(items)[2].code).toBe('CFPP-100002');
		expectNoSecret(items);
	});

	it('a refused host under Continue On Fail still yields one error item per input', async () => {
		rig.harness = newHarness('evil.test');
		const { items } = await run('checkfrontApi', { resource: 'account', operation: 'ping' }, { continueOnFail: true, items: [{}, {}] });
		expect(json(items)).toEqual([
			expect.objectContaining({ error: expect.stringMatching(/not a Checkfront host/) }),
			expect.objectContaining({ error: expect.stringMatching(/not a Checkfront host/) }),
		]);
		expect(sim.server.requests).toHaveLength(0);
	});

	it('wrong API secret: clear 401 advice, no secret in the error', async () => {
		rig.harness.addCredential('token', 'checkfrontApi', { host: sim.server.url, apiKey: sim.apiKey, apiSecret: `${sim.apiSecret}-wrong` });
		const { error } = await run('checkfrontApi', { resource: 'account', operation: 'ping' });
		expect(error?.message).toBe('Checkfront error 401: Invalid API key or secret');
		expect(error?.description).toMatch(/Manage > Developer/);
		expect(JSON.stringify(error)).not.toContain(`${sim.apiSecret}-wrong`);
		expectNoSecret(error);
	});

	it('outputs of every list carry no credential material', async () => {
		for (const auth of AUTHS) {
			const { items } = await run(auth, { resource: 'booking', operation: 'getAll', limit: 10 });
			expectNoSecret(items);
		}
	});
});
