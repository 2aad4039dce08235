import type { INodeProperties } from 'n8n-workflow';

import type { Resource } from '../../shared/operations';
import { jsonObjectParam } from '../../shared/parameters';
import { accountPath, connectedLocator, hubriseRequest, locationPath } from '../transport';
import type { HubRiseApi } from '../transport';

export const LOCATION_ID: INodeProperties = connectedLocator({
	displayName: 'Location',
	name: 'locationId',
	description: 'The location; leave empty for the location of the connection',
	searchListMethod: 'searchLocations',
	idPlaceholder: '3r4s3-1',
});

const ACCOUNT_ID: INodeProperties = {
	displayName: 'Account ID',
	name: 'accountId',
	type: 'string',
	default: '',
	placeholder: '3r4s3',
	description: 'The account; leave empty for the account of the connection',
};

export const location: Resource<HubRiseApi> = {
	value: 'location',
	name: 'Location',
	operations: [
		{
			value: 'get',
			name: 'Get',
			action: 'Get a location',
			description: 'Get a location: name, account, timezone, opening hours, order acceptance',
			properties: [LOCATION_ID],
			async execute(call) {
				return await hubriseRequest(call, 'GET', locationPath(call));
			},
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a location',
			description: 'Update fields of a location (PATCH)',
			properties: [
				LOCATION_ID,
				{
					displayName: 'Fields',
					name: 'fields',
					type: 'json',
					default: '{\n  "preparation_time": 15\n}',
					required: true,
					description: 'The fields to change, as HubRise names them (e.g. preparation_time, order_acceptance, custom_fields)',
				},
			],
			async execute(call) {
				return await hubriseRequest(call, 'PATCH', locationPath(call), { body: jsonObjectParam(call.ctx, 'fields', call.itemIndex) });
			},
		},
	],
};

export const account: Resource<HubRiseApi> = {
	value: 'account',
	name: 'Account',
	operations: [
		{
			value: 'get',
			name: 'Get',
			action: 'Get an account',
			description: 'Get the account: name and currency',
			properties: [ACCOUNT_ID],
			async execute(call) {
				return await hubriseRequest(call, 'GET', accountPath(call));
			},
		},
	],
};
