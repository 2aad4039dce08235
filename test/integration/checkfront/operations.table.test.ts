import type { IDataObject } from 'n8n-workflow';

import { RESOURCES } from '../../../nodes/Checkfront/actions';
import { AUTHS, apiRequests, expectAuthApplied, expectNoSecret, run, sim } from './setup';
import type { Auth } from './setup';

/**
 * Every operation of the Checkfront node, with both credentials, through n8n-core against the
 * simulator: one row per operation, and a check that no operation of the node lacks a row, so an
 * operation added later without a test fails here.
 */

const picked = (value: string) => ({ __rl: true, mode: 'list', value });

/** `only`: the operation sends its request only with this credential (with the other it has nothing to do). */
const ROWS: Record<string, { parameters: IDataObject; request: RegExp; only?: Auth }> = {
	'account.ping': { parameters: {}, request: /^GET \/api\/3\.0\/ping$/ },
	'booking.addNote': { parameters: { bookingId: picked('CFPP-100001'), note: 'table' }, request: /^POST \/api\/3\.0\/booking\/CFPP-100001\/note$/ },
	'booking.create': {
		parameters: { slips: '18.20261105X1-adults.1', customerName: 'Ada', customerEmail: 'ada@example.com' },
		request: /^POST \/api\/3\.0\/booking\/create$/,
	},
	'booking.get': { parameters: { bookingId: picked('CFPP-100007') }, request: /^GET \/api\/3\.0\/booking\/CFPP-100007$/ },
	'booking.getAll': { parameters: { limit: 3 }, request: /^GET \/api\/3\.0\/booking\/index$/ },
	'booking.updateStatus': { parameters: { bookingId: 'CFPP-100003', statusId: 'PAID' }, request: /^POST \/api\/3\.0\/booking\/CFPP-100003\/update$/ },
	'category.getAll': { parameters: { returnAll: true }, request: /^GET \/api\/3\.0\/category$/ },
	'connection.keepAlive': { parameters: {}, request: /^POST \/oauth\/token\/?$/, only: 'checkfrontOAuth2Api' },
	'customApiCall.call': { parameters: { method: 'GET', path: '/ping' }, request: /^GET \/api\/3\.0\/ping$/ },
	'customer.get': { parameters: { customerId: picked('NQ2-039-421') }, request: /^GET \/api\/3\.0\/customer\/NQ2-039-421$/ },
	'customer.getAll': { parameters: { limit: 2 }, request: /^GET \/api\/3\.0\/customer$/ },
	'event.getAll': { parameters: { returnAll: true }, request: /^GET \/api\/3\.0\/event$/ },
	'item.get': { parameters: { itemId: picked('18') }, request: /^GET \/api\/3\.0\/item\/18$/ },
	'item.getAll': { parameters: { limit: 2 }, request: /^GET \/api\/3\.0\/item$/ },
};

const OPERATIONS = RESOURCES.flatMap((resource) => resource.operations.map((operation) => `${resource.value}.${operation.value}`));

it('has a row for every operation of the node, and no row for an operation it lacks', () => {
	expect(Object.keys(ROWS).sort()).toEqual([...OPERATIONS].sort());
});

describe.each(AUTHS)('every operation with %s', (auth) => {
	const ran: string[] = [];
	afterAll(() => {
		// eslint-disable-next-line no-console
		console.log(`Checkfront (${auth}): ${ran.length} of ${OPERATIONS.length} operations run through n8n-core against the simulator`);
		expect(ran.sort()).toEqual([...OPERATIONS].sort());
	});

	it.each(OPERATIONS)('%s', async (key) => {
		const [resource, operation] = key.split('.');
		const { items, error } = await run(auth, { resource, operation, ...ROWS[key].parameters });
		expect(error?.message).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		const requests = apiRequests();
		const only = ROWS[key].only;
		if (only !== undefined && only !== auth) expect(sim.server.requests).toHaveLength(0);
		else expect(sim.server.requests.map((request) => `${request.method} ${request.path}`)).toContainEqual(expect.stringMatching(ROWS[key].request));
		// Keep Connection Alive talks to the token endpoint only (the refresh itself is n8n's).
		if (resource !== 'connection') expectAuthApplied(auth, requests);
		expectNoSecret(items);
		ran.push(key);
	});
});
