import type { IDataObject } from 'n8n-workflow';

import { checkfrontList, checkfrontRequest, segment, unwrap } from '../transport';
import { compact, filtersField, idField, listFields, operationSelector } from './common';
import type { ResourceModule } from './common';

export const customer: ResourceModule = {
	operations: operationSelector('customer', [
		{ name: 'Get', value: 'get', action: 'Get a customer', description: 'Get a customer' },
		{ name: 'Get Many', value: 'getAll', action: 'Get many customers', description: 'Get many customers' },
	]),
	fields: [
		idField('customer', ['get'], 'customerId', 'Customer ID', 'The customer ID or customer code (e.g. NQ2-039-421)'),
		...listFields('customer'),
		filtersField('customer', [
			{ displayName: 'Customer Email', name: 'customer_email', type: 'string', placeholder: 'name@email.com', default: '' },
			{ displayName: 'Customer Name', name: 'customer_name', type: 'string', default: '' },
			{ displayName: 'Customer Phone', name: 'customer_phone', type: 'string', default: '' },
		], 'Exact matches on indexed fields'),
	],

	async run(ctx, api, operation, itemIndex) {
		if (operation === 'getAll') {
			const filters = compact(ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject);
			return await checkfrontList(ctx, api, '/customer', 'customers', itemIndex, filters);
		}
		const customerId = segment(ctx.getNodeParameter('customerId', itemIndex));
		return unwrap(await checkfrontRequest(ctx, api, 'GET', `/customer/${customerId}`, itemIndex), 'customer');
	},
};
