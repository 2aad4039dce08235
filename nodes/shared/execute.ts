import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { answerOf } from './request';

/**
 * The per-item loop every node of the package runs: each input item is handled on its own, every
 * output item carries pairedItem, and with "Continue On Fail" a failing item yields exactly one
 * error item (message and advice, never a secret) instead of stopping the run.
 *
 * What an operation returns becomes output items by one rule set (shapeItems):
 * - every item's `json` is an object: a value that is not one (a number, a string, null, an array
 *   inside a list) becomes `{ value: x }`;
 * - a provider answer with no content (empty body, 204, JSON `null`) becomes one item
 *   `{ empty: true, note: "<provider> answered HTTP 204 with no content" }`;
 * - a provider answer that is an empty JSON array (`[]`, e.g. from Custom API Call) becomes one
 *   item `{ empty: true, note: "<provider> answered HTTP 200 with an empty list" }`;
 * - a list of records an operation collected ("Get Many") that holds none yields no item, as n8n's
 *   own nodes do: a placeholder would be taken for a record by the next node. Turn on the node
 *   setting "Always Output Data" to get one empty item instead.
 */

/** The field that marks an item standing for an answer without data. */
export const EMPTY_FIELD = 'empty';

function asJson(value: unknown): IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : { value: value as IDataObject[keyof IDataObject] };
}

/** What an operation returned, as the `json` of its output items (see the rules above). */
export function shapeItems(result: unknown): IDataObject[] {
	const answer = answerOf(result);
	if (result === undefined || result === null) return [{ [EMPTY_FIELD]: true, note: 'The operation returned no data' }];
	if (Array.isArray(result)) {
		if (result.length === 0 && answer) {
			return [{ [EMPTY_FIELD]: true, note: `${answer.provider} answered HTTP ${answer.status} with an empty list` }];
		}
		return result.map(asJson);
	}
	if (answer?.emptyNote) return [{ [EMPTY_FIELD]: true, note: answer.emptyNote }];
	return [asJson(result)];
}

export async function executePerItem(
	ctx: IExecuteFunctions,
	handleItem: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let failure: NodeApiError | NodeOperationError;
		try {
			const result = await handleItem(itemIndex);
			for (const json of shapeItems(result)) {
				output.push({ json, pairedItem: { item: itemIndex } });
			}
			continue;
		} catch (error) {
			failure =
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		}
		if (failure.context.itemIndex === undefined) failure.context.itemIndex = itemIndex;
		if (!ctx.continueOnFail()) throw failure;
		output.push({
			json: {
				error: failure.message,
				...(failure.description ? { description: failure.description } : {}),
				...(failure instanceof NodeApiError && failure.httpCode ? { httpCode: failure.httpCode } : {}),
			},
			pairedItem: { item: itemIndex },
		});
	}
	return [output];
}
