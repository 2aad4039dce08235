import type { Resource } from '../../shared/operations';
import { checkfrontList, checkfrontRequest } from '../transport';
import type { CheckfrontApi } from '../transport';
import { LIST_PROPERTIES } from '../../shared/descriptions';

/** The account itself, and the two read-only lists that describe its inventory: categories and events. */

export const account: Resource<CheckfrontApi> = {
	value: 'account',
	name: 'Account',
	operations: [
		{
			value: 'ping',
			name: 'Ping',
			action: 'Ping the account',
			description: 'Check that the credential reaches the account',
			properties: [],
			execute: async (call) => await checkfrontRequest(call, 'GET', '/ping'),
		},
	],
};

export const category: Resource<CheckfrontApi> = {
	value: 'category',
	name: 'Category',
	operations: [
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many categories',
			description: 'Get the item categories',
			properties: LIST_PROPERTIES,
			execute: async (call) => await checkfrontList(call, '/category', 'category'),
		},
	],
};

export const event: Resource<CheckfrontApi> = {
	value: 'event',
	name: 'Event',
	operations: [
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many events',
			description: 'Get the events that change price or availability by date',
			properties: LIST_PROPERTIES,
			execute: async (call) => await checkfrontList(call, '/event', 'events'),
		},
	],
};
