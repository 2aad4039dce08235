import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { executePerItem } from '../shared/execute';
import { account } from './resources/account';
import { booking } from './resources/booking';
import { category } from './resources/category';
import type { ResourceModule } from './resources/common';
import { customApiCall } from './resources/custom';
import { customer } from './resources/customer';
import { event } from './resources/event';
import { item } from './resources/item';
import { checkfrontApi, reportHostMoves } from './transport';
import type { CheckfrontApi } from './transport';

const RESOURCES: Record<string, ResourceModule> = { account, booking, category, customApiCall, customer, event, item };

export class Checkfront implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Checkfront',
		name: 'checkfront',
		icon: { light: 'file:checkfront.svg', dark: 'file:checkfront.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read and manage Checkfront bookings, customers and inventory',
		defaults: { name: 'Checkfront' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'checkfrontApi', required: true, displayOptions: { show: { authentication: ['checkfrontApi'] } } },
			{ name: 'checkfrontOAuth2Api', required: true, displayOptions: { show: { authentication: ['checkfrontOAuth2Api'] } } },
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'API Key and Secret', value: 'checkfrontApi' },
					{ name: 'OAuth2', value: 'checkfrontOAuth2Api' },
				],
				default: 'checkfrontApi',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Booking', value: 'booking' },
					{ name: 'Category', value: 'category' },
					{ name: 'Custom API Call', value: 'customApiCall' },
					{ name: 'Customer', value: 'customer' },
					{ name: 'Event', value: 'event' },
					{ name: 'Item', value: 'item' },
				],
				default: 'booking',
			},
			...Object.values(RESOURCES).map((resource) => resource.operations),
			...Object.values(RESOURCES).flatMap((resource) => resource.fields),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Built on first use inside the item loop, so a refused host becomes one error per item under
		// Continue On Fail, like any other failure.
		let api: CheckfrontApi | undefined;
		try {
			return await executePerItem(this, async (itemIndex) => {
				api = api ?? (await checkfrontApi(this));
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				return await RESOURCES[resource].run(this, api, operation, itemIndex);
			});
		} finally {
			// Also when an item failed: the user still needs to know the account has moved.
			if (api) reportHostMoves(this, api);
		}
	}
}
