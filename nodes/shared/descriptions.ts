import type { INodeProperties } from 'n8n-workflow';

/**
 * Fields every provider node shares, as whole literals so both lint plugins read their text.
 * Operations list them in their `properties`; buildProperties (operations.ts) shows them for the
 * right resource and operation.
 */

export const RETURN_ALL: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const LIMIT: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	displayOptions: { show: { returnAll: [false] } },
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
};

/** Return All + Limit, for every "Get Many". */
export const LIST_PROPERTIES: INodeProperties[] = [RETURN_ALL, LIMIT];

/** Name/value rows, for query parameters and form fields. */
export const NAME_VALUE_ROWS: INodeProperties['options'] = [
	{
		displayName: 'Parameter',
		name: 'values',
		values: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Value', name: 'value', type: 'string', default: '' },
		],
	},
];
