import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import { idLocator } from '../../shared/locators';
import type { Resource } from '../../shared/operations';
import { compact, idParam, jsonObjectParam } from '../../shared/parameters';
import { hubriseList, hubriseRequest, locationPath } from '../transport';
import type { HubRiseApi, HubRiseCall } from '../transport';
import { LOCATION_ID } from './location';

const ORDER_ID: INodeProperties = idLocator({
	displayName: 'Order',
	name: 'orderId',
	description: 'The order, picked from the latest orders of the location or given by its ID',
	searchListMethod: 'searchOrders',
	idPlaceholder: '5dpm9',
});

const STATUS_OPTIONS = [
	{ name: 'Accepted', value: 'accepted' },
	{ name: 'Awaiting Collection', value: 'awaiting_collection' },
	{ name: 'Awaiting Shipment', value: 'awaiting_shipment' },
	{ name: 'Cancelled', value: 'cancelled' },
	{ name: 'Completed', value: 'completed' },
	{ name: 'Delivery Failed', value: 'delivery_failed' },
	{ name: 'In Delivery', value: 'in_delivery' },
	{ name: 'In Preparation', value: 'in_preparation' },
	{ name: 'New', value: 'new' },
	{ name: 'Received', value: 'received' },
	{ name: 'Rejected', value: 'rejected' },
];

const orderPath = (call: HubRiseCall) => `${locationPath(call)}/orders/${idParam(call.ctx, 'orderId', call.itemIndex)}`;

/** ISO time from a dateTime picker value (HubRise takes ISO 8601). */
function isoTime(value: unknown): string {
	const text = String(value ?? '').trim();
	const parsed = Date.parse(text);
	return text !== '' && !Number.isNaN(parsed) && !/[+-]\d\d:?\d\d$|Z$/i.test(text) ? new Date(parsed).toISOString() : text;
}

export const order: Resource<HubRiseApi> = {
	value: 'order',
	name: 'Order',
	operations: [
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many orders',
			description: 'Get orders of a location, newest first, with filters',
			properties: [
				LOCATION_ID,
				...LIST_PROPERTIES,
				{
					displayName: 'Filters',
					name: 'filters',
					type: 'collection',
					placeholder: 'Add Filter',
					default: {},
					options: [
						{ displayName: 'Created After', name: 'after', type: 'dateTime', default: '', description: 'Orders created at or after this time' },
						{ displayName: 'Created Before', name: 'before', type: 'dateTime', default: '', description: 'Orders created before this time' },
						{ displayName: 'Created By', name: 'created_by', type: 'string', default: '', description: 'Name of the client that created the order' },
						{ displayName: 'Customer ID', name: 'customer_id', type: 'string', default: '' },
						{ displayName: 'Private Ref', name: 'private_ref', type: 'string', default: '' },
						{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS, default: 'new' },
					],
				},
			],
			async execute(call) {
				const filters = compact(call.ctx.getNodeParameter('filters', call.itemIndex, {}) as IDataObject);
				for (const key of ['after', 'before']) if (filters[key]) filters[key] = isoTime(filters[key]);
				return await hubriseList(call, `${locationPath(call)}/orders`, filters);
			},
		},
		{
			value: 'get',
			name: 'Get',
			action: 'Get an order',
			description: 'Get an order',
			properties: [LOCATION_ID, ORDER_ID],
			async execute(call) {
				return await hubriseRequest(call, 'GET', orderPath(call));
			},
		},
		{
			value: 'create',
			name: 'Create',
			action: 'Create an order',
			description: 'Create an order in a location (the minimal order is {"status": "new"})',
			properties: [
				LOCATION_ID,
				{
					displayName: 'Order',
					name: 'order',
					type: 'json',
					required: true,
					default: '{\n  "status": "new",\n  "service_type": "collection",\n  "items": []\n}',
					description: 'The order as HubRise describes it: status, service_type, items, payments, customer_id, expected_time',
				},
			],
			async execute(call) {
				return await hubriseRequest(call, 'POST', `${locationPath(call)}/orders`, { body: jsonObjectParam(call.ctx, 'order', call.itemIndex) });
			},
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update the status and notes of an order',
			description: 'Change the status, seller notes and references of an order (PATCH)',
			properties: [
				LOCATION_ID,
				ORDER_ID,
				{
					displayName: 'Update Fields',
					name: 'updateFields',
					type: 'collection',
					placeholder: 'Add Field',
					default: {},
					options: [
						{ displayName: 'Collection Code', name: 'collection_code', type: 'string', default: '' },
						{ displayName: 'Confirmed Time', name: 'confirmed_time', type: 'dateTime', default: '' },
						{ displayName: 'Private Ref', name: 'private_ref', type: 'string', default: '' },
						{ displayName: 'Seller Notes', name: 'seller_notes', type: 'string', typeOptions: { rows: 2 }, default: '' },
						{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS, default: 'accepted' },
					],
				},
			],
			async execute(call) {
				const body = compact(call.ctx.getNodeParameter('updateFields', call.itemIndex, {}) as IDataObject);
				if (body.confirmed_time) body.confirmed_time = isoTime(body.confirmed_time);
				return await hubriseRequest(call, 'PATCH', orderPath(call), { body });
			},
		},
	],
};

const DELIVERY_FIELDS: INodeProperties = {
	displayName: 'Delivery',
	name: 'delivery',
	type: 'json',
	required: true,
	default: '{\n  "status": "pending"\n}',
	description: 'Delivery fields as HubRise names them (status, carrier, estimated_dropoff_at, tracking_url, ...)',
};

const deliveryPath = (call: HubRiseCall) => `${orderPath(call)}/delivery`;

export const delivery: Resource<HubRiseApi> = {
	value: 'delivery',
	name: 'Delivery',
	operations: [
		{
			value: 'get',
			name: 'Get',
			action: 'Get the delivery of an order',
			description: 'Get the delivery of an order',
			properties: [LOCATION_ID, ORDER_ID],
			async execute(call) {
				return await hubriseRequest(call, 'GET', deliveryPath(call));
			},
		},
		{
			value: 'create',
			name: 'Create',
			action: 'Create the delivery of an order',
			description: 'Create the delivery of an order',
			properties: [LOCATION_ID, ORDER_ID, DELIVERY_FIELDS],
			async execute(call) {
				return await hubriseRequest(call, 'POST', deliveryPath(call), { body: jsonObjectParam(call.ctx, 'delivery', call.itemIndex) });
			},
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update the delivery of an order',
			description: 'Update the delivery of an order (PATCH)',
			properties: [LOCATION_ID, ORDER_ID, DELIVERY_FIELDS],
			async execute(call) {
				return await hubriseRequest(call, 'PATCH', deliveryPath(call), { body: jsonObjectParam(call.ctx, 'delivery', call.itemIndex) });
			},
		},
	],
};
