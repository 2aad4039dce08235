import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { checkfrontList, checkfrontRequest, segment, unwrap } from '../transport';
import { checkfrontDate, compact, idField, listFields, operationSelector, showFor } from './common';
import type { ResourceModule } from './common';

/** Dates (and filters) that turn an item query into a "rated" one: availability, price and slip. */
const AVAILABILITY: INodeProperties = {
	displayName: 'Availability',
	name: 'availability',
	type: 'collection',
	placeholder: 'Add Option',
	displayOptions: showFor('item', ['get', 'getAll']),
	default: {},
	description: 'With a start date, Checkfront answers with availability, price and the slip used to book the item',
	options: [
		{ displayName: 'Category ID', name: 'category_id', type: 'string', default: '', description: 'Only items of this category (Get Many)' },
		{ displayName: 'Discount Code', name: 'discount_code', type: 'string', default: '' },
		{ displayName: 'End Date', name: 'end_date', type: 'dateTime', default: '' },
		{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only items whose name contains this (Get Many)' },
		{
			displayName: 'Minimum Available',
			name: 'available',
			type: 'number',
			default: 0,
			description: 'Only items with at least this many left in stock (rated queries)',
		},
		{ displayName: 'Start Date', name: 'start_date', type: 'dateTime', default: '' },
	],
};

export const item: ResourceModule = {
	operations: operationSelector('item', [
		{ name: 'Get', value: 'get', action: 'Get an item', description: 'Get an item, with availability for dates when given' },
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many items',
			description: 'Get many items, with availability for dates when given',
		},
	]),
	fields: [idField('item', ['get'], 'itemId', 'Item ID', 'The ID of the inventory item'), ...listFields('item'), AVAILABILITY],

	async run(ctx, api, operation, itemIndex) {
		const qs = compact(ctx.getNodeParameter('availability', itemIndex, {}) as IDataObject);
		for (const key of ['start_date', 'end_date']) if (qs[key]) qs[key] = checkfrontDate(qs[key]);
		if (!qs.available) delete qs.available;
		if (operation === 'getAll') return await checkfrontList(ctx, api, '/item', 'items', itemIndex, qs);
		const itemId = segment(ctx.getNodeParameter('itemId', itemIndex));
		return unwrap(await checkfrontRequest(ctx, api, 'GET', `/item/${itemId}`, itemIndex, { qs }), 'item');
	},
};
