import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties, runOperations } from '../shared/operations';
import { RESOURCES } from './actions';
import { searchCatalogs, searchCustomerLists, searchCustomers, searchLocations, searchOrders } from './listSearch';
import { connect } from './transport';

export class HubRise implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubRise',
		name: 'hubRise',
		icon: { light: 'file:hubrise.svg', dark: 'file:hubrise.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read and manage HubRise orders, customers, catalogs, inventory and callbacks',
		defaults: { name: 'HubRise' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'hubriseOAuth2Api', required: true, displayOptions: { show: { authentication: ['hubriseOAuth2Api'] } } },
			{ name: 'hubriseApi', required: true, displayOptions: { show: { authentication: ['hubriseApi'] } } },
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'OAuth2', value: 'hubriseOAuth2Api' },
					{ name: 'Installed App (Pasted Code or Token)', value: 'hubriseApi' },
				],
				default: 'hubriseOAuth2Api',
			},
			...buildProperties(RESOURCES, { defaultResource: 'order' }),
		],
	};

	methods = { listSearch: { searchCatalogs, searchCustomerLists, searchCustomers, searchLocations, searchOrders } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperations(this, { resources: RESOURCES, connect: async (ctx) => await connect(ctx) });
	}
}
