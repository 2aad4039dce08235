import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/**
 * The per-item loop every node of the package runs: each input item is handled on its own, every
 * output item carries pairedItem, and with "Continue On Fail" a failing item yields exactly one
 * error item (message and advice, never a secret) instead of stopping the run.
 */
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
			for (const json of Array.isArray(result) ? result : [result]) {
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
