import { AUTHS, apiRequests, expectAuthApplied, json, run } from '../setup';

describe.each(AUTHS)('account operations with %s', (auth) => {
	afterEach(() => expectAuthApplied(auth, apiRequests()));

	it('account: ping', async () => {
		const { items, error } = await run(auth, { resource: 'account', operation: 'ping' });
		expect(error).toBeUndefined();
		expect(json(items)).toHaveLength(1);
		expect(json(items)[0].pong).toMatchObject({ provider: auth === 'checkfrontApi' ? 'Token' : 'OAuth2' });
	});

	it('event and category: get many', async () => {
		const events = await run(auth, { resource: 'event', operation: 'getAll', returnAll: true });
		expect(json(events.items).map((event) => event.name)).toEqual(['Max 3 Days', 'Easter Closure']);
		const categories = await run(auth, { resource: 'category', operation: 'getAll', returnAll: true });
		expect(json(categories.items).map((category) => category.name)).toEqual(['Tours', 'Accommodations', 'Activities']);
	});
});
