import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import { idLocator } from '../../shared/locators';
import type { Resource } from '../../shared/operations';
import { compact, idParam, jsonObjectParam, requiredParam } from '../../shared/parameters';
import { accountPath, connectedId, connectedLocator, hubriseList, hubriseRequest, locationPath } from '../transport';
import type { HubRiseApi, HubRiseCall } from '../transport';
import { LOCATION_ID } from './location';

const CUSTOMER_LIST_ID: INodeProperties = connectedLocator({
	displayName: 'Customer List',
	name: 'customerListId',
	description: 'The customer list; leave empty for the customer list of the connection',
	searchListMethod: 'searchCustomerLists',
	idPlaceholder: 'xab66',
});

const CUSTOMER_ID: INodeProperties = idLocator({
	displayName: 'Customer',
	name: 'customerId',
	description: 'The customer, picked from the list or given by its ID',
	searchListMethod: 'searchCustomers',
	idPlaceholder: 've343',
});

const CUSTOMER_FIELDS: INodeProperties = {
	displayName: 'Customer',
	name: 'customer',
	type: 'json',
	required: true,
	default: '{\n  "first_name": "",\n  "last_name": "",\n  "email": ""\n}',
	description: 'Customer fields as HubRise names them (first_name, last_name, email, phone, address_1, postal_code, city, private_ref, ...)',
};

const listPath = (call: HubRiseCall) => `/customer_lists/${connectedId(call, 'customerListId', 'customerListId')}`;
const customerPath = (call: HubRiseCall) => `${listPath(call)}/customers/${idParam(call.ctx, 'customerId', call.itemIndex)}`;

export const customerList: Resource<HubRiseApi> = {
	value: 'customerList',
	name: 'Customer List',
	operations: [
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many customer lists',
			description: 'Get the customer lists of a location (account-level lists included)',
			properties: [LOCATION_ID, ...LIST_PROPERTIES],
			async execute(call) {
				return await hubriseList(call, `${locationPath(call)}/customer_lists`);
			},
		},
		{
			value: 'get',
			name: 'Get',
			action: 'Get a customer list',
			description: 'Get a customer list',
			properties: [CUSTOMER_LIST_ID],
			async execute(call) {
				return await hubriseRequest(call, 'GET', listPath(call));
			},
		},
		{
			value: 'create',
			name: 'Create',
			action: 'Create a customer list',
			description: 'Create a customer list in a location or the account (the name must be new)',
			properties: [
				{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '' },
				{
					displayName: 'Owner',
					name: 'owner',
					type: 'options',
					default: 'location',
					options: [
						{ name: 'Location', value: 'location' },
						{ name: 'Account', value: 'account' },
					],
				},
				{ ...LOCATION_ID, displayOptions: { show: { owner: ['location'] } } },
			],
			async execute(call) {
				const owner = call.ctx.getNodeParameter('owner', call.itemIndex, 'location') as string;
				const base = owner === 'account' ? accountPath(call) : locationPath(call);
				return await hubriseRequest(call, 'POST', `${base}/customer_lists`, { body: { name: requiredParam(call.ctx, 'name', call.itemIndex) } });
			},
		},
	],
};

export const customer: Resource<HubRiseApi> = {
	value: 'customer',
	name: 'Customer',
	operations: [
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many customers',
			description: 'Get customers of a customer list; filters take * as a wildcard',
			properties: [
				CUSTOMER_LIST_ID,
				...LIST_PROPERTIES,
				{
					displayName: 'Filters',
					name: 'filters',
					type: 'collection',
					placeholder: 'Add Filter',
					default: {},
					options: [
						{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
						{ displayName: 'Phone', name: 'phone', type: 'string', default: '', placeholder: '+44123456789' },
						{ displayName: 'Private Ref', name: 'private_ref', type: 'string', default: '' },
					],
				},
			],
			async execute(call) {
				const filters = compact(call.ctx.getNodeParameter('filters', call.itemIndex, {}) as IDataObject);
				return await hubriseList(call, `${listPath(call)}/customers`, filters);
			},
		},
		{
			value: 'get',
			name: 'Get',
			action: 'Get a customer',
			description: 'Get a customer',
			properties: [CUSTOMER_LIST_ID, CUSTOMER_ID],
			async execute(call) {
				return await hubriseRequest(call, 'GET', customerPath(call));
			},
		},
		{
			value: 'create',
			name: 'Create',
			action: 'Create a customer',
			description: 'Create a customer in a customer list',
			properties: [CUSTOMER_LIST_ID, CUSTOMER_FIELDS],
			async execute(call) {
				return await hubriseRequest(call, 'POST', `${listPath(call)}/customers`, { body: jsonObjectParam(call.ctx, 'customer', call.itemIndex) });
			},
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a customer',
			description: 'Update a customer (PATCH)',
			properties: [CUSTOMER_LIST_ID, CUSTOMER_ID, CUSTOMER_FIELDS],
			async execute(call) {
				return await hubriseRequest(call, 'PATCH', customerPath(call), { body: jsonObjectParam(call.ctx, 'customer', call.itemIndex) });
			},
		},
	],
};
