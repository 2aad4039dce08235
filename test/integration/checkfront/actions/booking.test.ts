import type { IDataObject } from 'n8n-workflow';

import { AUTHS, apiRequests, expectAuthApplied, json, run, sim } from '../setup';

describe.each(AUTHS)('booking operations with %s', (auth) => {
	afterEach(() => expectAuthApplied(auth, apiRequests()));

	it('booking: get', async () => {
		const { items, error } = await run(auth, { resource: 'booking', operation: 'get', bookingId: 'CFPP-100007' });
		expect(error).toBeUndefined();
		expect(json(items)).toEqual([expect.objectContaining({ booking_id: 7, code: 'CFPP-100007' })]);
		expect(apiRequests().map((request) => request.path)).toEqual(['/api/3.0/booking/CFPP-100007']);
	});

	it('booking: get many with status and date filters, limited', async () => {
		const { items, error } = await run(auth, {
			resource: 'booking',
			operation: 'getAll',
			limit: 5,
			filters: { status_id: 'PAID', start_date: '2026-11-10T00:00:00', end_date: '2026-11-20' },
		});
		expect(error).toBeUndefined();
		const bookings = json(items);
		expect(bookings).toHaveLength(5);
		for (const booking of bookings) {
			expect(booking.status_id).toBe('PAID');
			expect(String(booking.start_date) >= '20261110' && String(booking.start_date) <= '20261120').toBe(true);
		}
		expect(apiRequests()[0].query).toEqual({ status_id: 'PAID', start_date: '20261110', end_date: '20261120', limit: '5', page: '1' });
	});

	it('booking: create through a booking session (form-urlencoded)', async () => {
		const { items, error } = await run(auth, {
			resource: 'booking',
			operation: 'create',
			slips: '18.20261105X1-adults.1, 21.20261105X1',
			customerName: 'Ada Lovelace',
			customerEmail: 'ada@example.com',
			formFields: { values: [{ name: 'customer_phone', value: '+1 555 0100' }] },
		});
		expect(error).toBeUndefined();
		const [session, create] = apiRequests();
		expect(`${session.method} ${session.path}`).toBe('POST /api/3.0/booking/session');
		expect(session.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
		expect(session.body).toEqual({ 'slip[0]': '18.20261105X1-adults.1', 'slip[1]': '21.20261105X1' });
		expect(`${create.method} ${create.path}`).toBe('POST /api/3.0/booking/create');
		expect(create.body).toMatchObject({
			'form[customer_name]': 'Ada Lovelace',
			'form[customer_email]': 'ada@example.com',
			'form[customer_phone]': '+1 555 0100',
		});
		const created = json(items)[0];
		expect(created.id).toMatch(/^NEWB-/);
		expect(created.session_id).toBe((create.body as IDataObject).session_id);
	});

	it('booking: update status', async () => {
		const { items, error } = await run(auth, {
			resource: 'booking',
			operation: 'updateStatus',
			bookingId: 'CFPP-100003',
			statusId: 'PAID',
			notify: false,
		});
		expect(error).toBeUndefined();
		expect(apiRequests()[0].body).toEqual({ status_id: 'PAID', notify: '0' });
		expect(sim.bookings[2].status_id).toBe('PAID');
		expect(json(items)[0].booking).toMatchObject({ status_id: 'PAID' });
	});

	it('booking: add note', async () => {
		const { error } = await run(auth, { resource: 'booking', operation: 'addNote', bookingId: 'CFPP-100001', note: 'Guest arrives late & hungry' });
		expect(error).toBeUndefined();
		expect(sim.notes).toEqual([{ booking: 'CFPP-100001', body: 'Guest arrives late & hungry' }]);
		expect(apiRequests()[0].rawBody).toBe('body=Guest%20arrives%20late%20%26%20hungry');
	});
});
