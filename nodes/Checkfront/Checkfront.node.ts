import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties, runOperations } from '../shared/operations';
import { RESOURCES } from './actions';
import { searchBookings, searchCustomers, searchItems } from './listSearch';
import { connect, reportHostMoves } from './transport';

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
			...buildProperties(RESOURCES, { defaultResource: 'booking' }),
		],
	};

	methods = { listSearch: { searchBookings, searchCustomers, searchItems } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperations(this, { resources: RESOURCES, connect, afterRun: reportHostMoves });
	}
}
