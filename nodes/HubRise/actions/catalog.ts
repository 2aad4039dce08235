import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import type { Resource } from '../../shared/operations';
import { connectedId, connectedLocator, hubriseList, hubriseRequest, locationPath, optionalId } from '../transport';
import type { HubRiseApi, HubRiseCall } from '../transport';
import { LOCATION_ID } from './location';

const CATALOG_ID: INodeProperties = connectedLocator({
	displayName: 'Catalog',
	name: 'catalogId',
	description: 'The catalog; leave empty for the catalog of the connection',
	searchListMethod: 'searchCatalogs',
	idPlaceholder: 'psmlf',
});

/** `/catalogs/:cid/locations/:lid/inventory`, or the short `/location/inventory` when only the token knows the location. */
function inventoryPath(call: HubRiseCall): string {
	const catalogId = connectedId(call, 'catalogId', 'catalogId');
	const locationId = optionalId(call, 'locationId', 'locationId');
	return `/catalogs/${catalogId}/${locationId === undefined ? 'location' : `locations/${locationId}`}/inventory`;
}

/** Inventory entries: a JSON array of {sku_ref | option_ref, stock, expires_at}. */
function entriesParam(call: HubRiseCall): IDataObject[] {
	const raw = call.ctx.getNodeParameter('entries', call.itemIndex, '[]') as unknown;
	let value: unknown = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			value = undefined;
		}
	}
	const valid = Array.isArray(value) && value.every((entry) => typeof entry === 'object' && entry !== null && !Array.isArray(entry));
	if (!valid) {
		throw new NodeOperationError(call.ctx.getNode(), 'The parameter "entries" must be a JSON array of inventory entries', {
			itemIndex: call.itemIndex,
			description: 'Write it as [{"sku_ref": "MAR-SM", "stock": "3"}]; "stock": null removes an entry (unlimited stock).',
		});
	}
	return value as IDataObject[];
}

export const catalog: Resource<HubRiseApi> = {
	value: 'catalog',
	name: 'Catalog',
	operations: [
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many catalogs',
			description: 'Get the catalogs of a location (without their content)',
			properties: [LOCATION_ID, ...LIST_PROPERTIES],
			async execute(call) {
				return await hubriseList(call, `${locationPath(call)}/catalogs`);
			},
		},
		{
			value: 'get',
			name: 'Get',
			action: 'Get a catalog',
			description: 'Get a catalog with its categories, products, options and deals',
			properties: [
				CATALOG_ID,
				{ displayName: 'Hide Data', name: 'hideData', type: 'boolean', default: false, description: 'Whether to leave out the content (categories, products, ...)' },
			],
			async execute(call) {
				const hide = call.ctx.getNodeParameter('hideData', call.itemIndex, false) as boolean;
				return await hubriseRequest(call, 'GET', `/catalogs/${connectedId(call, 'catalogId', 'catalogId')}`, { qs: hide ? { hide_data: true } : {} });
			},
		},
	],
};

export const inventory: Resource<HubRiseApi> = {
	value: 'inventory',
	name: 'Inventory',
	operations: [
		{
			value: 'get',
			name: 'Get',
			action: 'Get the inventory of a location',
			description: 'Get the stock of a catalog in a location',
			properties: [CATALOG_ID, LOCATION_ID],
			async execute(call) {
				return await hubriseRequest(call, 'GET', inventoryPath(call));
			},
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update the inventory of a location',
			description: 'Merge stock entries into the inventory (PATCH: entries not sent are kept)',
			properties: [
				CATALOG_ID,
				LOCATION_ID,
				{
					displayName: 'Entries',
					name: 'entries',
					type: 'json',
					required: true,
					default: '[\n  { "sku_ref": "MAR-SM", "stock": "3" }\n]',
					description: 'Entries to merge: {sku_ref or option_ref, stock, expires_at}. "stock": null removes the entry (unlimited).',
				},
			],
			async execute(call) {
				return await hubriseRequest(call, 'PATCH', inventoryPath(call), { body: entriesParam(call) });
			},
		},
	],
};
