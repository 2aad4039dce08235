import type { IDataObject } from 'n8n-workflow';

import { RESOURCES } from '../../../nodes/FattureInCloud/actions';
import { bearerOf } from '../../simulators/framework';
import { AUTHS, apiRequests, leaksIn, run, sim } from './setup';

/**
 * Every operation of the Fatture in Cloud node with each of the four credentials, through n8n-core
 * against the simulator: one row per operation, and a check that no operation lacks a row.
 */

// `request`: a request the operation must make (token calls included); the manual token has nothing to
// renew, so its keep-alive makes none.
const ROWS: Record<string, { parameters: IDataObject; request: RegExp; manualTokenMakesNoRequest?: true }> = {
	'company.getInfo': { parameters: {}, request: /^GET \/c\/12345\/company\/info$/ },
	'connection.keepAlive': { parameters: {}, request: /^POST \/oauth\/token$/, manualTokenMakesNoRequest: true },
	'customApiCall.call': { parameters: { method: 'GET', path: '/c/12345/entities/clients' }, request: /^GET \/c\/12345\/entities\/clients$/ },
	'issuedDocument.getAll': { parameters: { type: 'invoice', limit: 3 }, request: /^GET \/c\/12345\/issued_documents$/ },
	'user.getCompanies': { parameters: {}, request: /^GET \/user\/companies$/ },
	'user.getInfo': { parameters: {}, request: /^GET \/user\/info$/ },
};

const OPERATIONS = RESOURCES.flatMap((resource) => resource.operations.map((operation) => `${resource.value}.${operation.value}`));

it('has a row for every operation of the node, and no row for an operation it lacks', () => {
	expect(Object.keys(ROWS).sort()).toEqual([...OPERATIONS].sort());
});

describe.each(AUTHS)('every operation with %s', (auth) => {
	const ran: string[] = [];
	afterAll(() => {
		// eslint-disable-next-line no-console
		console.log(`Fatture in Cloud (${auth}): ${ran.length} of ${OPERATIONS.length} operations run through n8n-core against the simulator`);
		expect(ran.sort()).toEqual([...OPERATIONS].sort());
	});

	it.each(OPERATIONS)('%s', async (key) => {
		const [resource, operation] = key.split('.');
		const result = await run(auth, { resource, operation, ...ROWS[key].parameters });
		expect(result.error?.message).toBeUndefined();
		expect(result.items.length).toBeGreaterThan(0);
		const requests = apiRequests();
		if (auth === 'fattureInCloudApi' && ROWS[key].manualTokenMakesNoRequest) expect(sim.server.requests).toEqual([]);
		else expect(sim.server.requests.map((request) => `${request.method} ${request.path}`)).toContainEqual(expect.stringMatching(ROWS[key].request));
		for (const request of requests) {
			expect(bearerOf(request)).toMatch(/^a\//);
			expect(request.query.access_token).toBeUndefined();
		}
		expect(leaksIn(result)).toEqual([]);
		ran.push(key);
	});
});
