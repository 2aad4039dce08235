import { AUTHS, apiRequests, expectAuthApplied, json, run } from '../setup';

describe.each(AUTHS)('item operations with %s', (auth) => {
	afterEach(() => expectAuthApplied(auth, apiRequests()));

	it('item: get and get many, with availability for dates', async () => {
		const one = await run(auth, { resource: 'item', operation: 'get', itemId: '18', availability: { start_date: '2026-11-05', end_date: '2026-11-06' } });
		expect(json(one.items)[0]).toMatchObject({ item_id: 18, rated: 1, rate: { slip: '18.20261105X1-adults.1' } });
		expect(apiRequests()[0].query).toEqual({ start_date: '20261105', end_date: '20261106' });
		const many = await run(auth, { resource: 'item', operation: 'getAll', returnAll: true, availability: { start_date: '2026-11-05' } });
		expect(json(many.items).map((item) => item.item_id)).toEqual([14, 18, 21]);
		expect(json(many.items).every((item) => item.rated === 1)).toBe(true);
		const plain = await run(auth, { resource: 'item', operation: 'getAll', limit: 2 });
		expect(json(plain.items)).toHaveLength(2);
		expect(json(plain.items)[0].rated).toBe(0);
	});
});
