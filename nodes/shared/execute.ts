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

const isRecord = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function asJson(value: unknown): IDataObject {
	return isRecord(value) ? value : { value: value as IDataObject[keyof IDataObject] };
}

/** What an operation returned, as the `json` of its output items (see the rules above). */
export function shapeItems(result: unknown): IDataObject[] {
	const answer = answerOf(result);
	if (result === undefined || result === null) return [{ [EMPTY_FIELD]: true, note: 'The operation returned no data' }];
	if (Array.isArray(result)) {
		if (result.length === 0 && answer) {
			return [{ [EMPTY_FIELD]: true, note: `${answer.provider} answered HTTP ${answer.status} with an empty list` }];
		}
		// A list of records (Return All) is handed on as it is: no second array of the whole result.
		return result.every(isRecord) ? (result as IDataObject[]) : result.map(asJson);
	}
	if (answer?.emptyNote) return [{ [EMPTY_FIELD]: true, note: answer.emptyNote }];
	return [asJson(result)];
}

/** Requests in flight for one node execution: the default, and the bounds of the Concurrency field. */
export const CONCURRENCY = { default: 1, min: 1, max: 32 } as const;

export interface PerItemOptions {
	/**
	 * Items handled at the same time (default 1: one after the other). Output order and pairedItem
	 * do not depend on it; see executePerItem.
	 */
	concurrency?: number;
}

/** A Concurrency value as typed (maybe from an expression) to a whole number within CONCURRENCY. */
export function concurrencyOf(value: unknown): number {
	const number = Math.floor(Number(value));
	if (!Number.isFinite(number)) return CONCURRENCY.default;
	return Math.min(CONCURRENCY.max, Math.max(CONCURRENCY.min, number));
}

type ItemOutcome = { items: INodeExecutionData[] } | { failure: NodeApiError | NodeOperationError };

/**
 * Runs `handleItem` for every input item, up to `concurrency` at a time, and returns the output in
 * input order whatever order the answers came in:
 * - every output item carries `pairedItem: { item: <its input> }`;
 * - with Continue On Fail, a failing item yields exactly one error item, in its place;
 * - without it, the first failure stops the node: no further item is started, the items already
 *   started run to their end (nothing is abandoned mid-request) but their results are dropped, and
 *   the error of the lowest failing item is thrown (the one a sequential run would have stopped at,
 *   when that item was started).
 * Results are handed to the output as soon as all earlier items are done, so at most the results of
 * the items in flight are held besides the output.
 */
export async function executePerItem(
	ctx: IExecuteFunctions,
	handleItem: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
	options: PerItemOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const concurrency = concurrencyOf(options.concurrency ?? CONCURRENCY.default);
	const output: INodeExecutionData[] = [];
	const done = new Map<number, ItemOutcome>();
	let flushed = 0;
	let next = 0;
	// Set by the first failure without Continue On Fail (an object: workers read it after awaiting).
	const halt: { at?: { itemIndex: number; failure: NodeApiError | NodeOperationError } } = {};

	const runItem = async (itemIndex: number): Promise<ItemOutcome> => {
		let failure: NodeApiError | NodeOperationError;
		try {
			const result = await handleItem(itemIndex);
			return { items: shapeItems(result).map((json) => ({ json, pairedItem: { item: itemIndex } })) };
		} catch (error) {
			failure =
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		}
		if (failure.context.itemIndex === undefined) failure.context.itemIndex = itemIndex;
		return { failure };
	};

	const errorItem = (failure: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData => ({
		json: {
			error: failure.message,
			...(failure.description ? { description: failure.description } : {}),
			...(failure instanceof NodeApiError && failure.httpCode ? { httpCode: failure.httpCode } : {}),
		},
		pairedItem: { item: itemIndex },
	});

	/** Moves finished results to the output, in input order. */
	const flush = () => {
		for (let outcome = done.get(flushed); outcome !== undefined; outcome = done.get(flushed)) {
			done.delete(flushed);
			if ('failure' in outcome) output.push(errorItem(outcome.failure, flushed));
			else for (const item of outcome.items) output.push(item);
			flushed++;
		}
	};

	const worker = async () => {
		while (halt.at === undefined && next < items.length) {
			const itemIndex = next++;
			const outcome = await runItem(itemIndex);
			if ('failure' in outcome && !ctx.continueOnFail()) {
				const earlier = halt.at as { itemIndex: number } | undefined;
				if (earlier === undefined || itemIndex < earlier.itemIndex) halt.at = { itemIndex, failure: outcome.failure };
				continue;
			}
			done.set(itemIndex, outcome);
			if (halt.at === undefined) flush();
		}
	};

	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	if (halt.at !== undefined) throw halt.at.failure;
	return [output];
}
