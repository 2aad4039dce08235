import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { CONCURRENCY, executePerItem } from './execute';

/**
 * The one operation contract of the package. An operation is one unit: its option (value, name,
 * action, description), its own fields written as plain properties (no resource/operation
 * displayOptions: those are applied once, here), and the function that runs it for one item. A
 * resource is a list of operations. Every provider node is then the same short file:
 *
 *   description.properties = [...authentication, ...buildProperties(RESOURCES)]
 *   execute() { return runOperations(this, { resources: RESOURCES, connect }) }
 */

/** What an operation gets for one input item. */
export interface OperationCall<Api> {
	ctx: IExecuteFunctions;
	/** The provider connection built once per execution (see ProviderNode.connect). */
	api: Api;
	itemIndex: number;
}

export type OperationResult = IDataObject | IDataObject[];

export interface Operation<Api> {
	value: string;
	/** Title Case, shown in the operation list ("Get Many"). */
	name: string;
	/** Sentence case, shown in the node panel and to AI agents ("Get many bookings"). */
	action: string;
	description: string;
	/**
	 * Fields of this operation only, as plain properties. Their own displayOptions (for example
	 * `returnAll: [false]`) are kept; resource and operation are added by buildProperties.
	 */
	properties: INodeProperties[];
	execute(call: OperationCall<Api>): Promise<OperationResult>;
}

export interface Resource<Api> {
	value: string;
	/** Title Case, shown in the resource list. */
	name: string;
	/** Shown under the operation selector, when set. */
	description?: string;
	operations: Array<Operation<Api>>;
	/**
	 * Why this resource cannot run with this connection (fiskaly: a resource of another product
	 * family than the credential's), or undefined when it can.
	 */
	unavailable?(api: Api, resource: Resource<Api>): { message: string; description: string } | undefined;
	/**
	 * Its items run one after the other, in input order, whatever the node's Concurrency: each depends
	 * on the one before (Inbenta's chatbot: the messages of one conversation, which items share).
	 */
	inOrder?: boolean;
}

export interface ProviderNode<Api> {
	resources: Array<Resource<Api>>;
	/**
	 * Builds the provider connection once per execution, on the first item (so a refused host or
	 * override is each item's error under Continue On Fail, like any other failure).
	 */
	connect(ctx: IExecuteFunctions): Promise<Api>;
	/** Runs after the items, also when one failed (Checkfront reports a host move here). */
	afterRun?(ctx: IExecuteFunctions, api: Api): void;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/** `extra` merged into a field's displayOptions.show (the field's own conditions are kept). */
function withShow(property: INodeProperties, show: NonNullable<IDisplayOptions['show']>): INodeProperties {
	const own = property.displayOptions ?? {};
	return { ...property, displayOptions: { ...own, show: { ...own.show, ...show } } };
}

/**
 * The Resource selector, one Operation selector per resource, and every field with its
 * displayOptions. A field that several operations of a resource declare identically is emitted once,
 * shown for all of them, so the description stays as small as a hand-written one.
 */
export function buildProperties<Api>(
	resources: Array<Resource<Api>>,
	options: { defaultResource?: string; resourceDescription?: string } = {},
): INodeProperties[] {
	const sorted = [...resources].sort(byName);
	const resourceSelector: INodeProperties = {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: sorted.map(({ name, value }) => ({ name, value })),
		default: '',
	};
	if (options.resourceDescription) resourceSelector.description = options.resourceDescription;
	// Assigned afterwards: the lint rule only reads literal defaults.
	resourceSelector.default = options.defaultResource ?? sorted[0].value;

	const properties: INodeProperties[] = [resourceSelector];
	for (const resource of sorted) {
		const operations = [...resource.operations].sort(byName);
		const selector: INodeProperties = {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: operations.map(
				({ name, value, action, description }): INodePropertyOptions => ({ name, value, action, description }),
			),
			default: '',
		};
		if (resource.description) selector.description = resource.description;
		selector.default = operations[0].value;
		properties.push(selector);

		// Identical fields of several operations share one property.
		const fields = new Map<string, { property: INodeProperties; operations: string[] }>();
		for (const operation of resource.operations) {
			for (const property of operation.properties) {
				const key = JSON.stringify(property);
				const seen = fields.get(key);
				if (seen) seen.operations.push(operation.value);
				else fields.set(key, { property, operations: [operation.value] });
			}
		}
		for (const { property, operations: shownFor } of fields.values()) {
			properties.push(withShow(property, { resource: [resource.value], operation: shownFor }));
		}
	}
	properties.push(CONCURRENCY_PROPERTY);
	return properties;
}

/**
 * The Concurrency field every provider node gets (added by buildProperties): how many items one
 * execution works on at the same time. The default is 1 because items may depend on each other at
 * the provider (a fiskaly transaction's revisions, invoice numbers given in creation order, a
 * booking and its later update): only the user knows that their items are independent. Raising it
 * keeps output order, pairedItem and Continue On Fail as they are, and the shared pacing keeps
 * every request within the provider's rate limits.
 */
export const CONCURRENCY_PROPERTY: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 32, numberPrecision: 0 },
	default: 1,
	noDataExpression: true,
	description:
		'How many items to send at the same time. Keep 1 when items depend on each other (an update after its create, numbers given in order); raise it (4 to 8) for independent items. Output order is unchanged and rate limits are respected either way.',
};

/** The Concurrency of this execution (read once, from the node's parameters). */
export function concurrencyParameter(ctx: IExecuteFunctions): number {
	return ctx.getNodeParameter('concurrency', 0, CONCURRENCY.default) as number;
}

/**
 * Runs the chosen operation of each input item inside the shared per-item loop (pairedItem,
 * Continue On Fail). The connection is built once, on first use.
 */
export async function runOperations<Api>(
	ctx: IExecuteFunctions,
	node: ProviderNode<Api>,
): Promise<INodeExecutionData[][]> {
	const byValue = new Map(node.resources.map((resource) => [resource.value, resource]));
	let connection: Promise<Api> | undefined;
	let api: Api | undefined;
	// The end of the queue of in-order items (Resource.inOrder): each waits for the one before it.
	let inOrderTail: Promise<void> = Promise.resolve();
	try {
		return await executePerItem(ctx, async (itemIndex) => {
			const resourceValue = ctx.getNodeParameter('resource', itemIndex) as string;
			const operationValue = ctx.getNodeParameter('operation', itemIndex) as string;
			const resource = byValue.get(resourceValue);
			const operation = resource?.operations.find((candidate) => candidate.value === operationValue);
			if (!resource || !operation) {
				throw new NodeOperationError(ctx.getNode(), `Unknown operation "${resourceValue}: ${operationValue}"`, {
					itemIndex,
					description: 'Open the node and choose the resource and operation again.',
				});
			}
			// Joined before the first await: workers start items in input order, so the queue is in that order too.
			let leave = () => undefined as void;
			const turn = resource.inOrder ? inOrderTail : undefined;
			if (resource.inOrder) inOrderTail = new Promise<void>((resolve) => (leave = resolve));
			try {
				await turn;
				connection = connection ?? node.connect(ctx);
				api = await connection;
				const refusal = resource.unavailable?.(api, resource);
				if (refusal) throw new NodeOperationError(ctx.getNode(), refusal.message, { itemIndex, description: refusal.description });
				return await operation.execute({ ctx, api, itemIndex });
			} finally {
				leave();
			}
		}, { concurrency: concurrencyParameter(ctx) });
	} finally {
		if (api !== undefined) node.afterRun?.(ctx, api);
	}
}
