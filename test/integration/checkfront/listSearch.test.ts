import { AUTHS, rig, sim } from './setup';
import type { Auth } from './setup';

/** The pickers (resource locators with list search), through n8n-core's LoadOptionsContext and the shared request layer. */

const search = async (auth: Auth, method: string, filter?: string, paginationToken?: string) =>
	await rig.harness.listSearch({
		type: 'checkfront',
		method,
		filter,
		paginationToken,
		parameters: { authentication: auth, resource: 'booking', operation: 'get' },
		credentials: { [auth]: auth === 'checkfrontApi' ? 'token' : 'oauth' },
	});

describe.each(AUTHS)('pickers with %s', (auth) => {
	it('lists bookings page by page as the user scrolls, and filters by what was typed', async () => {
		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await search(auth, 'searchBookings', undefined, token);
			seen.push(...page.results.map((entry) => entry.value as string));
			token = page.paginationToken as string | undefined;
			pages += 1;
		} while (token && pages < 10);
		expect(pages).toBe(Math.ceil(sim.bookings.length / 100));
		expect(new Set(seen).size).toBe(sim.bookings.length);
		const typed = await search(auth, 'searchBookings', 'cfpp-100007');
		expect(typed.results.map((entry) => entry.value)).toEqual(['CFPP-100007']);
		expect(typed.results[0].name).toMatch(/CFPP-100007 · .+/);
	});

	it('lists customers and items', async () => {
		const customers = await search(auth, 'searchCustomers', 'john');
		expect(customers.results).toEqual([expect.objectContaining({ value: '25', name: expect.stringContaining('John Smith') })]);
		const items = await search(auth, 'searchItems');
		expect(items.results.map((entry) => entry.value).sort()).toEqual(['14', '18', '21']);
	});

	it('a picker that fails says why, without a secret', async () => {
		sim.server.inject({ kind: 'status', status: 401 }, { times: 5 });
		const error = await search(auth, 'searchItems').then(
			() => undefined,
			(failure: Error) => failure,
		);
		expect(error?.message).toMatch(/Checkfront error 401|reconnect/);
		expect(JSON.stringify({ message: error?.message, description: (error as { description?: string }).description })).not.toContain(sim.apiSecret);
	});
});
