import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties, runOperations } from '../shared/operations';
import { RESOURCES } from './actions';
import { searchClients, searchCompanies, searchIssuedDocuments, searchProducts, searchReceivedDocuments, searchSuppliers } from './listSearch';
import { connect } from './transport';

export class FattureInCloud implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fatture in Cloud',
		name: 'fattureInCloud',
		icon: { light: 'file:fattureincloud.svg', dark: 'file:fattureincloud.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read and manage everything in Fatture in Cloud: documents, e-invoices, clients, suppliers, products, receipts, cashbook and more',
		defaults: { name: 'Fatture in Cloud' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'fattureInCloudOAuth2Api', required: true, displayOptions: { show: { authentication: ['fattureInCloudOAuth2Api'] } } },
			{ name: 'fattureInCloudApi', required: true, displayOptions: { show: { authentication: ['fattureInCloudApi'] } } },
			{ name: 'fattureInCloudDeviceCodeApi', required: true, displayOptions: { show: { authentication: ['fattureInCloudDeviceCodeApi'] } } },
			{ name: 'fattureInCloudRefreshTokenApi', required: true, displayOptions: { show: { authentication: ['fattureInCloudRefreshTokenApi'] } } },
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Device Code', value: 'fattureInCloudDeviceCodeApi' },
					{ name: 'Manual Token', value: 'fattureInCloudApi' },
					{ name: 'OAuth2', value: 'fattureInCloudOAuth2Api' },
					{ name: 'Refresh Token (Unattended)', value: 'fattureInCloudRefreshTokenApi' },
				],
				default: 'fattureInCloudOAuth2Api',
			},
			...buildProperties(RESOURCES, { defaultResource: 'issuedDocument' }),
		],
	};

	methods = { listSearch: { searchClients, searchCompanies, searchIssuedDocuments, searchProducts, searchReceivedDocuments, searchSuppliers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperations(this, { resources: RESOURCES, connect });
	}
}
