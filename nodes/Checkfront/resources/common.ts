import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listFields, operationSelector, showFor, stringField } from '../../shared/properties';
import { checkfrontList } from '../transport';
import type { CheckfrontApi } from '../transport';

export { listFields, operationSelector, showFor };

/** What every resource module hands to the node: its fields and how to run an operation. */
export interface ResourceModule {
	operations: INodeProperties;
	fields: INodeProperties[];
	run(ctx: IExecuteFunctions, api: CheckfrontApi, operation: string, itemIndex: number): Promise<IDataObject | IDataObject[]>;
}

/** A required string ID field. */
export function idField(resource: string, operations: string[], name: string, displayName: string, description: string): INodeProperties {
	return stringField(resource, operations, { name, displayName, description });
}

/** Drops empty values from a filters collection, so only what the user set is sent. */
export function compact(values: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(values)) {
		if (value === undefined || value === null || value === '') continue;
		out[key] = value;
	}
	return out;
}

/** Checkfront dates: YYYYMMDD from a date or date-time picker value. */
export function checkfrontDate(value: unknown): string {
	const text = String(value ?? '').trim();
	const match = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(text);
	return match ? `${match[1]}${match[2]}${match[3]}` : text;
}

/** Name/value pairs of a fixedCollection as one object. */
export function pairs(collection: unknown, listName = 'values'): IDataObject {
	const entries = ((collection as IDataObject | undefined)?.[listName] ?? []) as Array<{ name?: string; value?: unknown }>;
	const out: IDataObject = {};
	for (const entry of entries) {
		if (entry.name) out[entry.name] = entry.value as IDataObject[string];
	}
	return out;
}

/** A "Filters" collection of a list operation. */
export function filtersField(resource: string, options: INodeProperties[], description?: string): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		displayOptions: showFor(resource, ['getAll']),
		default: {},
		...(description ? { description } : {}),
		options,
	};
}

/** A resource with just "Get Many" over a keyed list endpoint (events, categories). */
export function listOnlyResource(resource: string, path: string, key: string, action: string, description: string): ResourceModule {
	return {
		operations: operationSelector(resource, [{ name: 'Get Many', value: 'getAll', action, description }]),
		fields: listFields(resource),
		run: async (ctx, api, _operation, itemIndex) => await checkfrontList(ctx, api, path, key, itemIndex),
	};
}
