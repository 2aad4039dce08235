import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import { idLocator } from '../../shared/locators';
import type { OperationCall, Resource } from '../../shared/operations';
import { compact, idParam } from '../../shared/parameters';
import { checkfrontDate, checkfrontList, checkfrontRequest, unwrap } from '../transport';
import type { CheckfrontApi } from '../transport';

/** Dates (and filters) that turn an item query into a "rated" one: availability, price and slip. */
const AVAILABILITY: INodeProperties = {
	displayName: 'Availability',
	name: 'availability',
	type: 'collection',
	placeholder: 'Add Option',
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

function availability({ ctx, itemIndex }: OperationCall<CheckfrontApi>): IDataObject {
	const qs = compact(ctx.getNodeParameter('availability', itemIndex, {}) as IDataObject);
	for (const key of ['start_date', 'end_date']) if (qs[key]) qs[key] = checkfrontDate(qs[key]);
	if (!qs.available) delete qs.available;
	return qs;
}

export const item: Resource<CheckfrontApi> = {
	value: 'item',
	name: 'Item',
	operations: [
		{
			value: 'get',
			name: 'Get',
			action: 'Get an item',
			description: 'Get an item, with availability for dates when given',
			properties: [
				idLocator({
					displayName: 'Item',
					name: 'itemId',
					description: 'The inventory item, picked from the list or given by its ID',
					searchListMethod: 'searchItems',
					idPlaceholder: '12',
				}),
				AVAILABILITY,
			],
			async execute(call) {
				const itemId = idParam(call.ctx, 'itemId', call.itemIndex);
				return unwrap(await checkfrontRequest(call, 'GET', `/item/${itemId}`, { qs: availability(call) }), 'item');
			},
		},
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many items',
			description: 'Get many items, with availability for dates when given',
			properties: [...LIST_PROPERTIES, AVAILABILITY],
			async execute(call) {
				return await checkfrontList(call, '/item', 'items', availability(call));
			},
		},
	],
};
