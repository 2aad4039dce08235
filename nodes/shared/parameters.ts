import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { pathSegment } from './paths';

/**
 * Readers of node parameters for one item, the same in every provider: trimmed text, required
 * text, ids for a URL path (plain strings or resource locators), JSON objects, name/value lists and
 * Return All / Limit.
 */

/** A text parameter, trimmed; `fallback` when absent. */
export function textParam(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback = ''): string {
	const value = ctx.getNodeParameter(name, itemIndex, fallback, { extractValue: true }) as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

/** A text parameter that must not be empty. */
export function requiredParam(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = textParam(ctx, name, itemIndex);
	if (value === '') {
		throw new NodeOperationError(ctx.getNode(), `The parameter "${name}" must not be empty`, {
			itemIndex,
			description: 'Fill it in the node, or check the expression that sets it.',
		});
	}
	return value;
}

/**
 * A value as one URL path segment (shared rules, paths.ts: percent-encoded; empty values and dot
 * segments in any spelling refused), the refusal as this item's error.
 */
export function segmentOf(ctx: IExecuteFunctions, value: string, name: string, itemIndex: number): string {
	try {
		return pathSegment(value, name);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex });
	}
}

/**
 * An id (typed, picked from a list, or read from a URL by a resource locator) as one URL path
 * segment: empty ids and dot segments are refused, so a path never reaches another resource.
 */
export function idParam(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	return segmentOf(ctx, requiredParam(ctx, name, itemIndex), name, itemIndex);
}

/** A JSON parameter that must hold an object (the editor hands over a string or an object). */
export function jsonObjectParam(ctx: IExecuteFunctions, name: string, itemIndex: number): IDataObject {
	const raw = ctx.getNodeParameter(name, itemIndex, '{}') as unknown;
	if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as IDataObject;
	if (typeof raw === 'string') {
		try {
			const parsed = JSON.parse(raw.trim() === '' ? '{}' : raw) as unknown;
			if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as IDataObject;
		} catch {
			// reported below
		}
	}
	throw new NodeOperationError(ctx.getNode(), `The parameter "${name}" must be a JSON object`, {
		itemIndex,
		description: 'Write it as {"key": "value"}, or map an object into it with an expression.',
	});
}

/** The name/value pairs of a fixedCollection (`{values: [{name, value}]}`) as one object. */
export function nameValuePairs(collection: unknown, listName = 'values'): IDataObject {
	const entries = ((collection as IDataObject | undefined)?.[listName] ?? []) as Array<{ name?: string; value?: unknown }>;
	const out: IDataObject = {};
	for (const entry of entries) {
		if (entry.name) out[entry.name] = entry.value as IDataObject[string];
	}
	return out;
}

/** A collection's values without the empty ones, so only what the user set is sent. */
export function compact(values: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(values)) {
		if (value === undefined || value === null || value === '') continue;
		out[key] = value;
	}
	return out;
}

/** "Return All" / "Limit" of a list operation: undefined means all. */
export function listLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
}
