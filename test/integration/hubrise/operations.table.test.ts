import type { IDataObject } from 'n8n-workflow';

import { RESOURCES } from '../../../nodes/HubRise/actions';
import { AUTHS, expectNoSecret, expectTokenHeaderOnly, run, sim } from './setup';
import type { Auth } from './setup';

/**
 * Every operation of the HubRise node, with both credentials, through n8n-core against the
 * simulator: one row per operation, and a check that no operation lacks a row. Ids left empty come
 * from the connection (the token response), so most rows name none.
 */

const picked = (value: string) => ({ __rl: true, mode: 'list', value });
const LOC = '/v1/locations/3r4s3-1';

/** A waiting event on the connection the run uses (the installed-app one is made by a first run). */
async function withEvent(auth: Auth): Promise<void> {
	await run(auth, { resource: 'callback', operation: 'get' });
	for (const connection of sim.connections.values()) connection.events.push({ id: 'ev-table', resource_type: 'order', event_type: 'create' });
	sim.server.clearLog();
}

const ROWS: Record<string, { parameters: IDataObject; request: string; before?: (auth: Auth) => Promise<void> | void }> = {
	'account.get': { parameters: {}, request: 'GET /v1/accounts/3r4s3' },
	'callback.acknowledgeEvent': { parameters: { eventId: 'ev-table' }, request: 'DELETE /v1/callback/events/ev-table', before: withEvent },
	'callback.delete': { parameters: {}, request: 'DELETE /v1/callback' },
	'callback.get': { parameters: {}, request: 'GET /v1/callback' },
	'callback.getEvents': { parameters: { returnAll: true }, request: 'GET /v1/callback/events', before: withEvent },
	'callback.set': { parameters: { url: '', events: ['order.create', 'order.update'] }, request: 'POST /v1/callback' },
	'catalog.get': { parameters: { hideData: true }, request: 'GET /v1/catalogs/psmlf' },
	'catalog.getAll': { parameters: { returnAll: true }, request: `GET ${LOC}/catalogs` },
	'customApiCall.call': { parameters: { method: 'GET', path: '/location/orders' }, request: 'GET /v1/location/orders' },
	'customer.create': { parameters: { customer: '{"first_name":"Grace","email":"grace@example.com"}' }, request: 'POST /v1/customer_lists/xab66/customers' },
	'customer.get': { parameters: { customerId: picked('ve343') }, request: 'GET /v1/customer_lists/xab66/customers/ve343' },
	'customer.getAll': { parameters: { limit: 5, filters: { email: '*@example.com' } }, request: 'GET /v1/customer_lists/xab66/customers' },
	'customer.update': { parameters: { customerId: 've343', customer: '{"phone":"+44999"}' }, request: 'PATCH /v1/customer_lists/xab66/customers/ve343' },
	'customerList.create': { parameters: { name: `Table ${Math.random().toString(36).slice(2, 7)}` }, request: `POST ${LOC}/customer_lists` },
	'customerList.get': { parameters: {}, request: 'GET /v1/customer_lists/xab66' },
	'customerList.getAll': { parameters: { returnAll: true }, request: `GET ${LOC}/customer_lists` },
	'delivery.create': { parameters: { orderId: picked('ord00002') }, request: `POST ${LOC}/orders/ord00002/delivery` },
	'delivery.get': {
		parameters: { orderId: 'ord00003' },
		request: `GET ${LOC}/orders/ord00003/delivery`,
		before: () => void sim.deliveries.set('ord00003', { id: 'dl-3', status: 'pending' }),
	},
	'delivery.update': {
		parameters: { orderId: 'ord00003', delivery: '{"status":"in_delivery"}' },
		request: `PATCH ${LOC}/orders/ord00003/delivery`,
		before: () => void sim.deliveries.set('ord00003', { id: 'dl-3', status: 'pending' }),
	},
	'inventory.get': { parameters: {}, request: `GET /v1/catalogs/psmlf/locations/3r4s3-1/inventory` },
	'inventory.update': { parameters: { entries: '[{"sku_ref":"MAR-SM","stock":"7"}]' }, request: `PATCH /v1/catalogs/psmlf/locations/3r4s3-1/inventory` },
	'location.get': { parameters: {}, request: `GET ${LOC}` },
	'location.update': { parameters: { fields: '{"preparation_time":20}' }, request: `PATCH ${LOC}` },
	'order.create': { parameters: { order: '{"status":"new","service_type":"collection"}' }, request: `POST ${LOC}/orders` },
	'order.get': { parameters: { orderId: picked('ord00001') }, request: `GET ${LOC}/orders/ord00001` },
	'order.getAll': { parameters: { limit: 3, filters: { status: 'new' } }, request: `GET ${LOC}/orders` },
	'order.update': { parameters: { orderId: 'ord00001', updateFields: { status: 'accepted', seller_notes: 'Ready at 12:30' } }, request: `PATCH ${LOC}/orders/ord00001` },
};

const OPERATIONS = RESOURCES.flatMap((resource) => resource.operations.map((operation) => `${resource.value}.${operation.value}`));

it('has a row for every operation of the node, and no row for an operation it lacks', () => {
	expect(Object.keys(ROWS).sort()).toEqual([...OPERATIONS].sort());
});

describe.each(AUTHS)('every operation with %s', (auth) => {
	const ran: string[] = [];
	afterAll(() => {
		// eslint-disable-next-line no-console
		console.log(`HubRise (${auth}): ${ran.length} of ${OPERATIONS.length} operations run through n8n-core against the simulator`);
		expect(ran.sort()).toEqual([...OPERATIONS].sort());
	});

	it.each(OPERATIONS)('%s', async (key) => {
		const [resource, operation] = key.split('.');
		await ROWS[key].before?.(auth);
		const { items, error } = await run(auth, { resource, operation, ...ROWS[key].parameters });
		expect(error?.message).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		const requests = sim.apiRequests();
		expect(requests.map((request) => `${request.method} ${request.path}`)).toContain(ROWS[key].request);
		expectTokenHeaderOnly(requests);
		expectNoSecret(items);
		ran.push(key);
	});
});
