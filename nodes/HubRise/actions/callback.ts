import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import type { Resource } from '../../shared/operations';
import { idParam, textParam } from '../../shared/parameters';
import { hubriseList, hubriseRequest } from '../transport';
import type { HubRiseApi } from '../transport';

/** The events a callback may ask for (providers-next.md §1.4), as "resource.event" values. */
export const CALLBACK_EVENTS = [
	'catalog.create',
	'catalog.delete',
	'catalog.update',
	'customer.create',
	'customer.update',
	'delivery.create',
	'delivery.update',
	'inventory.patch',
	'inventory.update',
	'location.update',
	'order.create',
	'order.update',
];

/** ["order.create", "order.update"] -> {order: ["create", "update"]} */
export function eventsObject(values: unknown): Record<string, string[]> {
	const events: Record<string, string[]> = {};
	for (const value of Array.isArray(values) ? values.map(String) : []) {
		const [resource, event] = value.split('.');
		if (!resource || !event) continue;
		(events[resource] ??= []).push(event);
	}
	return events;
}

export const EVENTS_PROPERTY: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	default: ['order.create'],
	options: [
		{ name: 'Catalog Created', value: 'catalog.create' },
		{ name: 'Catalog Deleted', value: 'catalog.delete' },
		{ name: 'Catalog Updated', value: 'catalog.update' },
		{ name: 'Customer Created', value: 'customer.create' },
		{ name: 'Customer Updated', value: 'customer.update' },
		{ name: 'Delivery Created', value: 'delivery.create' },
		{ name: 'Delivery Updated', value: 'delivery.update' },
		{ name: 'Inventory Patched', value: 'inventory.patch' },
		{ name: 'Inventory Updated', value: 'inventory.update' },
		{ name: 'Location Updated', value: 'location.update' },
		{ name: 'Order Created', value: 'order.create' },
		{ name: 'Order Updated', value: 'order.update' },
	],
	description: 'The events HubRise sends (a client never receives the events it caused itself)',
};

export const callback: Resource<HubRiseApi> = {
	value: 'callback',
	name: 'Callback',
	description: 'The one callback of the connection: where HubRise sends events, and the events waiting',
	operations: [
		{
			value: 'get',
			name: 'Get',
			action: 'Get the callback',
			description: 'Get the URL and events of the callback',
			properties: [],
			async execute(call) {
				return await hubriseRequest(call, 'GET', '/callback');
			},
		},
		{
			value: 'set',
			name: 'Set',
			action: 'Set the callback',
			description: 'Create or replace the callback; an empty URL makes it passive (events are polled)',
			properties: [
				{
					displayName: 'URL',
					name: 'url',
					type: 'string',
					default: '',
					placeholder: 'https://n8n.example.com/webhook/…',
					description: 'Where HubRise POSTs events; empty for a passive callback',
				},
				EVENTS_PROPERTY,
			],
			async execute(call) {
				const url = textParam(call.ctx, 'url', call.itemIndex);
				const body: IDataObject = { url: url === '' ? null : url, events: eventsObject(call.ctx.getNodeParameter('events', call.itemIndex, [])) };
				return await hubriseRequest(call, 'POST', '/callback', { body });
			},
		},
		{
			value: 'delete',
			name: 'Delete',
			action: 'Delete the callback',
			description: 'Delete the callback and its waiting events',
			properties: [],
			async execute(call) {
				await hubriseRequest(call, 'DELETE', '/callback');
				return { deleted: true };
			},
		},
		{
			value: 'getEvents',
			name: 'Get Many Events',
			action: 'Get many callback events',
			description: 'Get the events waiting to be acknowledged',
			properties: [...LIST_PROPERTIES],
			async execute(call) {
				return await hubriseList(call, '/callback/events');
			},
		},
		{
			value: 'acknowledgeEvent',
			name: 'Acknowledge Event',
			action: 'Acknowledge a callback event',
			description: 'Acknowledge an event (DELETE): HubRise removes it from the waiting events',
			properties: [{ displayName: 'Event ID', name: 'eventId', type: 'string', required: true, default: '', placeholder: 'ks8f6' }],
			async execute(call) {
				const eventId = idParam(call.ctx, 'eventId', call.itemIndex);
				await hubriseRequest(call, 'DELETE', `/callback/events/${eventId}`);
				return { acknowledged: true, id: eventId };
			},
		},
	],
};
