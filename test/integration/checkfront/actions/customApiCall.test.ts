import type { IDataObject } from 'n8n-workflow';

import { AUTHS, apiRequests, expectAuthApplied, json, run, sim } from '../setup';

describe.each(AUTHS)('customApiCall operations with %s', (auth) => {
	afterEach(() => expectAuthApplied(auth, apiRequests()));

	it('custom API call: method, path under /api/3.0/, query and form body', async () => {
		const get = await run(auth, {
			resource: 'customApiCall',
			operation: 'call',
			method: 'GET',
			path: '/api/3.0/booking/index',
			query: { values: [{ name: 'status_id', value: 'HOLD' }, { name: 'limit', value: '2' }] },
		});
		expect(get.error).toBeUndefined();
		expect(Object.keys(json(get.items)[0]['booking/index'] as IDataObject)).toHaveLength(2);
		const post = await run(auth, {
			resource: 'customApiCall',
			operation: 'call',
			method: 'POST',
			path: 'booking/CFPP-100002/note',
			formBody: { values: [{ name: 'body', value: 'from a custom call' }] },
		});
		expect(post.error).toBeUndefined();
		const request = apiRequests()[1];
		expect(`${request.method} ${request.path} ${request.rawBody}`).toBe('POST /api/3.0/booking/CFPP-100002/note body=from%20a%20custom%20call');
	});
});

describe('custom API call stays on the host', () => {
	it.each(['https://evil.test/api/3.0/ping', '//evil.test/x', '/../../oauth/token/'])('refuses %j without sending anything', async (path) => {
		const { error } = await run('checkfrontApi', { resource: 'customApiCall', operation: 'call', method: 'GET', path });
		expect(error?.message).toMatch(/path/i);
		expect(sim.server.requests).toHaveLength(0);
	});
});
