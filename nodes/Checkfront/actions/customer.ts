import type { IDataObject } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import { idLocator } from '../../shared/locators';
import type { Resource } from '../../shared/operations';
import { compact, idParam } from '../../shared/parameters';
import { checkfrontList, checkfrontRequest, unwrap } from '../transport';
import type { CheckfrontApi } from '../transport';

export const customer: Resource<CheckfrontApi> = {
	value: 'customer',
	name: 'Customer',
	operations: [
		{
			value: 'get',
			name: 'Get',
			action: 'Get a customer',
			description: 'Get a customer',
			properties: [
				idLocator({
					displayName: 'Customer',
					name: 'customerId',
					description: 'The customer, picked from the list or given by customer ID or customer code (e.g. NQ2-039-421)',
					searchListMethod: 'searchCustomers',
					idPlaceholder: 'NQ2-039-421',
				}),
			],
			async execute(call) {
				const customerId = idParam(call.ctx, 'customerId', call.itemIndex);
				return unwrap(await checkfrontRequest(call, 'GET', `/customer/${customerId}`), 'customer');
			},
		},
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many customers',
			description: 'Get many customers',
			properties: [
				...LIST_PROPERTIES,
				{
					displayName: 'Filters',
					name: 'filters',
					type: 'collection',
					placeholder: 'Add Filter',
					default: {},
					description: 'Exact matches on indexed fields',
					options: [
						{ displayName: 'Customer Email', name: 'customer_email', type: 'string', placeholder: 'name@email.com', default: '' },
						{ displayName: 'Customer Name', name: 'customer_name', type: 'string', default: '' },
						{ displayName: 'Customer Phone', name: 'customer_phone', type: 'string', default: '' },
					],
				},
			],
			async execute(call) {
				const filters = compact(call.ctx.getNodeParameter('filters', call.itemIndex, {}) as IDataObject);
				return await checkfrontList(call, '/customer', 'customers', filters);
			},
		},
	],
};
