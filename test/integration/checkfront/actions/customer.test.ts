import { AUTHS, apiRequests, expectAuthApplied, json, run } from '../setup';

describe.each(AUTHS)('customer operations with %s', (auth) => {
	afterEach(() => expectAuthApplied(auth, apiRequests()));

	it('customer: get and get many', async () => {
		const one = await run(auth, { resource: 'customer', operation: 'get', customerId: 'NQ2-039-421' });
		expect(json(one.items)).toEqual([expect.objectContaining({ customer_id: 25, customer_name: 'John Smith' })]);
		const many = await run(auth, { resource: 'customer', operation: 'getAll', returnAll: true, filters: { customer_email: 'bridgette@example.com' } });
		expect(json(many.items)).toEqual([expect.objectContaining({ customer_id: 3 })]);
		expect(apiRequests()[1].query).toMatchObject({ customer_email: 'bridgette@example.com' });
	});
});
